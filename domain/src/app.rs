//! `Cam`: the façade that composes the areas' services for the transports.
//! It holds no rule and no use case: `cam.memberships.add_partner_users(…)`
//! is `MembershipService::add_partner_users` (`services/memberships/`).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::access_link::ports::LinkTokens;
use crate::account::proof::DnsTxtLookup;
use crate::common::time::Clock;
use crate::identity::DomainVerifier;
use crate::notify::ports::EmailWriter;
use crate::policy::Policy;
use crate::services::access_links::AccessLinkService;
use crate::services::accounts::AccountService;
use crate::services::assets::AssetService;
use crate::services::audit::AuditService;
use crate::services::batch::Batch;
use crate::services::memberships::MembershipService;
use crate::services::permissions::PermissionService;
use crate::services::proofs::ProofService;
use crate::services::relationships::RelationshipService;
use crate::services::schedule::ScheduleService;
use crate::services::scim::ScimService;
use crate::services::sessions::SessionService;
use crate::services::users::UserService;
use crate::session::ports::SignInProvider;
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct CamConfig {
    /// R8: how long an access link lives.
    pub link_ttl_days: i64,
    /// Base of access-link URLs, without a trailing slash.
    pub public_url: String,
    /// R35: whether the operator may set the clock.
    pub test_clock: bool,
}

/// The ports of the application, as the wiring gives them.
#[derive(Clone)]
pub struct Ports {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub verifier: Arc<dyn DomainVerifier>,
    pub tokens: Arc<dyn LinkTokens>,
    /// R55, R56: writes emails in their recipients' languages.
    pub emails: Arc<dyn EmailWriter>,
    pub config: CamConfig,
    /// R52: the DNS that domain proofs are looked up in (`NoDns`: every
    /// lookup fails as a resolver error).
    pub dns: Arc<dyn DnsTxtLookup>,
    /// R51: the identity provider of browser sign-in, if configured;
    /// without one the approval page keeps its development token field.
    pub sign_in: Option<Arc<dyn SignInProvider>>,
}

/// The application: one service an area (`crate::services`), each given
/// only the ports it needs, and the shared checks (`policy`).
#[derive(Clone)]
pub struct Cam {
    ports: Ports,
    pub policy: Policy,
    pub accounts: AccountService,
    pub proofs: ProofService,
    pub users: UserService,
    pub assets: AssetService,
    pub audit: AuditService,
    pub relationships: RelationshipService,
    pub permissions: PermissionService,
    pub memberships: MembershipService,
    pub access_links: AccessLinkService,
    pub sessions: SessionService,
    pub scim: ScimService,
    pub schedule: ScheduleService,
    /// Batch reads for the transports' DataLoaders.
    pub batch: Batch,
}

impl Cam {
    /// The application over these ports (the wiring's job).
    pub fn new(ports: Ports) -> Self {
        let Ports { store, clock, verifier, tokens, emails, config, dns, sign_in } = ports.clone();
        let policy = Policy::new(store.clone(), clock, verifier, emails);
        let (s, p) = (&store, &policy);
        let accounts = AccountService { store: s.clone(), policy: p.clone(), test_clock: config.test_clock };
        let proofs = ProofService { store: s.clone(), policy: p.clone(), tokens: tokens.clone(), dns };
        let memberships = MembershipService { store: s.clone(), policy: p.clone() };
        Self {
            schedule: ScheduleService {
                store: s.clone(),
                policy: p.clone(),
                memberships: memberships.clone(),
                proofs: proofs.clone(),
                accounts: accounts.clone(),
            },
            scim: ScimService {
                store: s.clone(),
                policy: p.clone(),
                tokens: tokens.clone(),
                memberships: memberships.clone(),
            },
            sessions: SessionService { store: s.clone(), policy: p.clone(), tokens: tokens.clone(), sign_in },
            access_links: AccessLinkService {
                store: s.clone(),
                policy: p.clone(),
                tokens,
                link_ttl_days: config.link_ttl_days,
                public_url: config.public_url,
            },
            users: UserService { store: s.clone(), policy: p.clone() },
            assets: AssetService { store: s.clone(), policy: p.clone() },
            audit: AuditService { store: s.clone(), policy: p.clone() },
            relationships: RelationshipService { store: s.clone(), policy: p.clone() },
            permissions: PermissionService { store: s.clone(), policy: p.clone() },
            batch: Batch { store: s.clone(), policy: p.clone() },
            accounts,
            proofs,
            memberships,
            policy,
            ports,
        }
    }

    /// Base of the server's public URLs, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.ports.config.public_url
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.policy.now()
    }
}
