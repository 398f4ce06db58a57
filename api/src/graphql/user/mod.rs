//! `User`.

use async_graphql::{Object, ID};

use super::ids::{encode, Kind};

pub struct User(pub cam_domain::user::model::User);

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        encode(Kind::User, self.0.id.get())
    }
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
}
