//! sea-orm entities, one per table of the migration. Private to the storage
//! adapter: the rest of the program sees domain types.

pub mod account {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "accounts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub name: String,
        pub tier: Option<String>,
        pub data_center: String,
        pub created_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub email: String,
        pub email_key: String,
        pub name: String,
        pub created_at: ChronoDateTimeUtc,
        pub locale: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod membership {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "memberships")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub user_id: i64,
        pub role: String,
        pub seat: String,
        pub status: String,
        pub permissions: String,
        pub permission_set_id: Option<i64>,
        pub partner_id: Option<i64>,
        pub managed_credit: bool,
        pub worker_kind: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        pub expires_at: Option<ChronoDateTimeUtc>,
        pub expiry_warned_for: Option<ChronoDateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod verified_domain {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "verified_domains")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub partner_id: i64,
        pub domain: String,
        pub created_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod permission_set {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "permission_sets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub partner_id: i64,
        pub name: String,
        pub name_key: String,
        pub permissions: String,
        pub built_in: bool,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod access_link {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_links")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub partner_id: i64,
        pub worker_id: i64,
        pub token_hash: String,
        pub created_by: Option<i64>,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: ChronoDateTimeUtc,
        pub revoked_at: Option<ChronoDateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod approval {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_link_approvals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub access_link_id: i64,
        pub client_id: i64,
        pub approved_by: Option<i64>,
        pub membership_id: Option<i64>,
        pub approved_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod decline {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_link_declines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub access_link_id: i64,
        pub client_id: i64,
        pub declined_by: Option<i64>,
        pub note: Option<String>,
        pub declined_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod relationship {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "managed_relationships")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub partner_id: i64,
        pub client_id: i64,
        pub crm_name: Option<String>,
        pub started_at: ChronoDateTimeUtc,
        pub last_activity_at: ChronoDateTimeUtc,
        pub notice_for: Option<ChronoDateTimeUtc>,
        pub notice_stage: Option<i32>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod asset {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub client_id: i64,
        pub owner_id: Option<i64>,
        pub kind: String,
        pub name: String,
        pub created_at: ChronoDateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: ChronoDateTimeUtc,
        pub actor_id: Option<i64>,
        pub action: String,
        pub account_id: Option<i64>,
        pub partner_id: Option<i64>,
        pub subject_id: Option<i64>,
        pub before: Option<String>,
        pub after: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub to_email: String,
        pub to_key: String,
        pub subject: String,
        pub body: String,
        pub created_at: ChronoDateTimeUtc,
        pub sent_at: Option<ChronoDateTimeUtc>,
        pub kind: String,
        pub status: String,
        pub attempts: i32,
        pub last_error: Option<String>,
        pub next_attempt_at: Option<ChronoDateTimeUtc>,
        pub failing_since: Option<ChronoDateTimeUtc>,
        pub claimed_until: Option<ChronoDateTimeUtc>,
        pub claim_token: Option<String>,
        pub locale: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// R52: a partner's DNS proof of one domain.
pub mod domain_proof {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "domain_proofs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub partner_id: i64,
        pub domain: String,
        pub record_value: String,
        pub status: String,
        pub created_at: ChronoDateTimeUtc,
        pub verified_at: Option<ChronoDateTimeUtc>,
        pub last_checked_at: Option<ChronoDateTimeUtc>,
        pub failing_since: Option<ChronoDateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
