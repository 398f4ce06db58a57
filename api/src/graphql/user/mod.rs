//! `User`, and `updateMyProfile` (R55).

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};

use super::error::{payload, payloads, UserError};
use super::ids::{encode, Kind};
use super::{cam, principal};

/// v1.2, R55: the languages of the product's help articles.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::user::model::Locale")]
pub enum Locale {
    En,
    Fr,
    De,
    It,
    Ja,
}

pub struct User(pub cam_domain::user::model::User);

#[Object(serial)]
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
    /// v1.2, R55.
    async fn locale(&self) -> Locale {
        self.0.locale.into()
    }
}

#[derive(InputObject)]
pub struct UpdateMyProfileInput {
    pub locale: Option<Locale>,
}

#[derive(SimpleObject, Default)]
pub struct UpdateMyProfilePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

payloads!(UpdateMyProfilePayload);

#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// v1.2, R55: the caller's own profile.
    async fn update_my_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateMyProfileInput,
    ) -> Result<UpdateMyProfilePayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = cam.users.update_my_profile(p, input.locale.map(Into::into)).await;
        payload(ctx, r, |u| UpdateMyProfilePayload { user: Some(User(u)), ..Default::default() })
    }
}
