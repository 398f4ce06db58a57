//! `Asset`.

use async_graphql::{Context, Object, Result, ID};

use super::enums::AssetKind;
use super::ids::{encode, Kind};
use super::loaders::load;
use super::user::User;

pub struct Asset(pub cam_domain::asset::model::Asset);

#[Object]
impl Asset {
    pub async fn id(&self) -> ID {
        encode(Kind::Asset, self.0.id.get())
    }
    async fn kind(&self) -> AssetKind {
        self.0.kind.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.0.owner_id {
            Some(id) => Ok(load(ctx, id).await?.map(User)),
            None => Ok(None),
        }
    }
}
