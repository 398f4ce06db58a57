//! Relationship status, access types and the 60-day rule.

use chrono::{DateTime, Duration, Utc};

use crate::common::ids::{AccountId, RelationshipId};

/// R27: a relationship without active partner users ends this long after the
/// last qualifying activity.
pub const ENDING_PERIOD_DAYS: i64 = 60;

crate::string_enum! {
    pub enum RelationshipStatus { Active = "ACTIVE", Ending = "ENDING", Ended = "ENDED" }
}

crate::string_enum! {
    pub enum AccessType { PartnerAdmin = "PARTNER_ADMIN", SuperAdmin = "SUPER_ADMIN", Standard = "STANDARD",
        None = "NONE" }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub id: RelationshipId,
    pub partner_id: AccountId,
    pub client_id: AccountId,
    /// The company's name in the partner's CRM, if set.
    pub crm_name: Option<String>,
    pub started_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

/// The partner's active users in a client, counted by role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartnerUserStats {
    pub active_partner_admins: u32,
    pub active_super_admins: u32,
    pub active_standard: u32,
}

impl PartnerUserStats {
    pub fn active(&self) -> u32 {
        self.active_partner_admins + self.active_super_admins + self.active_standard
    }
    pub fn access_types(&self) -> Vec<AccessType> {
        let mut v = Vec::new();
        if self.active_partner_admins > 0 {
            v.push(AccessType::PartnerAdmin);
        }
        if self.active_super_admins > 0 {
            v.push(AccessType::SuperAdmin);
        }
        if self.active_standard > 0 {
            v.push(AccessType::Standard);
        }
        if v.is_empty() {
            v.push(AccessType::None);
        }
        v
    }
}

impl Relationship {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.last_activity_at + Duration::days(ENDING_PERIOD_DAYS)
    }

    /// R27: `ACTIVE` while an active partner user remains; otherwise `ENDING`
    /// until 60 days after the last qualifying activity, then `ENDED`.
    pub fn status(&self, stats: &PartnerUserStats, now: DateTime<Utc>) -> RelationshipStatus {
        if stats.active() > 0 {
            RelationshipStatus::Active
        } else if now < self.ends_at() {
            RelationshipStatus::Ending
        } else {
            RelationshipStatus::Ended
        }
    }

    /// R27: set while `ENDING` or `ENDED`.
    pub fn visible_ends_at(&self, stats: &PartnerUserStats) -> Option<DateTime<Utc>> {
        (stats.active() == 0).then(|| self.ends_at())
    }
}

/// A row of the Clients tab.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub relationship: Relationship,
    pub stats: PartnerUserStats,
    pub client: crate::account::model::Account,
}

impl ClientRow {
    /// The CRM's company name, else the client's official name.
    pub fn display_name(&self) -> &str {
        self.relationship.crm_name.as_deref().unwrap_or(&self.client.name)
    }
}

/// Filter of the Clients tab.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ClientFilter {
    pub access_types: Option<Vec<AccessType>>,
    pub statuses: Option<Vec<RelationshipStatus>>,
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rel() -> Relationship {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        Relationship {
            id: RelationshipId::new(1),
            partner_id: AccountId::new(1),
            client_id: AccountId::new(2),
            crm_name: None,
            started_at: t,
            last_activity_at: t,
        }
    }

    #[test]
    fn without_active_users_it_is_ending_for_sixty_days_then_ended() {
        // R27
        let r = rel();
        let none = PartnerUserStats::default();
        let some = PartnerUserStats { active_standard: 1, ..Default::default() };
        assert_eq!(r.status(&some, r.last_activity_at + Duration::days(400)), RelationshipStatus::Active);
        assert_eq!(r.status(&none, r.last_activity_at + Duration::days(59)), RelationshipStatus::Ending);
        assert_eq!(r.status(&none, r.last_activity_at + Duration::days(61)), RelationshipStatus::Ended);
        assert_eq!(r.visible_ends_at(&some), None);
        assert_eq!(r.visible_ends_at(&none), Some(r.last_activity_at + Duration::days(60)));
        assert_eq!(none.access_types(), vec![AccessType::None]);
    }
}
