//! Typed identifiers. Storage uses integer keys; the API turns them into
//! opaque global ids. Newtypes keep a membership id from being passed where a
//! user id is expected.

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(i64);
        impl $name {
            pub const fn new(raw: i64) -> Self { Self(raw) }
            pub const fn get(self) -> i64 { self.0 }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }
    )*};
}

id_type!(AccountId, UserId, MembershipId, PermissionSetId, AccessLinkId, RelationshipId, AssetId, AuditEventId,);
