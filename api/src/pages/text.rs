//! Every sentence the approval page shows, in the five languages of the
//! product (R53, R55), from Project Fluent files (`ftl/*.ftl`, compiled in)
//! beside the emails' files, whose permission names the page shares.
//! [`Words`] speaks one language; its functions take the message's
//! variables as plain text and the page escapes what they return. Codes
//! stay in the markup only where they help support (`(ALREADY_APPROVED)`).

use std::sync::LazyLock;

use cam_adapters::i18n::{date, Catalog};
use cam_adapters::notify::messages::SOURCES as EMAILS;
use cam_domain::access_link::model::LinkProblem;
use cam_domain::permission::Permission;
use cam_domain::session::model::SignInRefused;
use cam_domain::user::model::Locale;
use cam_domain::Code;
use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;

use crate::graphql::enums::UserErrorCode;

/// The page's own message file of each language.
pub const SOURCES: [(Locale, &str); 5] = cam_adapters::ftl_files!("ftl");

/// The page's catalog: its own files and the emails' (permission names).
static CATALOG: LazyLock<Result<Catalog, String>> = LazyLock::new(|| {
    let files: Vec<(Locale, [&str; 2])> =
        SOURCES.iter().zip(EMAILS.iter()).map(|((l, page), (_, emails))| (*l, [*page, *emails])).collect();
    let sources: Vec<(Locale, &[&str])> = files.iter().map(|(l, s)| (*l, &s[..])).collect();
    Catalog::new(&sources)
});

/// The page's words in one language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    locale: Locale,
}

macro_rules! plain {
    ($($(#[$doc:meta])* $name:ident = $id:literal;)*) => {
        impl Words {
            $($(#[$doc])* pub fn $name(&self) -> String { self.text($id, None) })*
        }
    };
}

plain! {
    title = "page-title";
    unknown_link_title = "page-unknown-link-title";
    unknown_link = "page-unknown-link";
    try_again_title = "page-try-again-title";
    try_again = "page-try-again";
    partner = "page-partner";
    worker = "page-worker";
    email = "page-email";
    grants_title = "page-grants-title";
    role = "page-role";
    seat = "page-seat";
    /// R21: what a partner admin never holds.
    never = "page-never";
    duration_title = "page-duration-title";
    decide_title = "page-decide-title";
    who_may_decide = "page-who-may-decide";
    needs_script = "page-needs-script";
    token_label = "page-token-label";
    sign_in = "page-sign-in";
    signing_in = "page-signing-in";
    token_empty = "page-token-empty";
    offline = "page-offline";
    token_invalid = "page-token-invalid";
    operator = "page-operator";
    other_token = "page-other-token";
    accounts_legend = "page-accounts-legend";
    mark_approved = "page-mark-approved";
    mark_declined = "page-mark-declined";
    no_accounts = "page-no-accounts";
    all_decided = "page-all-decided";
    approve = "page-approve";
    decline = "page-decline";
    back = "page-back";
    foreign_site = "page-foreign-site";
    sign_in_first = "page-sign-in-first";
    choose_account = "page-choose-account";
    forbidden = "page-forbidden";
    busy = "page-busy";
    // R51: browser sign-in.
    sign_in_with_provider = "page-sign-in-with-provider";
    sign_out = "page-sign-out";
    sign_in_title = "page-sign-in-title";
    signed_out = "page-signed-out";
    sign_in_again = "page-sign-in-again";
    anti_forgery = "page-anti-forgery";
    sign_in_not_set_up = "page-sign-in-not-set-up";
    return_not_local = "page-return-not-local";
}

impl Words {
    /// The words of this language.
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    /// The language they are in (`<html lang>`, `Content-Language`).
    pub fn locale(&self) -> Locale {
        self.locale
    }

    fn text(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        match &*CATALOG {
            Ok(catalog) => catalog.text(self.locale, id, args),
            Err(_) => id.to_string(),
        }
    }

    fn with(&self, id: &str, vars: &[(&'static str, &str)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in vars {
            args.set(*name, (*value).to_string());
        }
        self.text(id, Some(&args))
    }

    /// What the worker asks for.
    pub fn asks(&self, worker: &str, partner: &str) -> String {
        self.with("page-asks", &[("worker", worker), ("partner", partner)])
    }

    /// R53: a link that can be approved, and until when.
    pub fn can_be_approved(&self, until: DateTime<Utc>) -> String {
        self.with("page-can-be-approved", &[("until", &self.moment(until))])
    }

    /// R53: why a link can no longer be approved, in words, in the past
    /// tense.
    pub fn dead(&self, problem: LinkProblem, expired_at: DateTime<Utc>, worker: &str, partner: &str) -> String {
        match problem {
            LinkProblem::Expired => {
                self.with("page-dead-expired", &[("when", &self.moment(expired_at)), ("worker", worker)])
            }
            LinkProblem::Revoked => self.with("page-dead-revoked", &[("partner", partner), ("worker", worker)]),
        }
    }

    pub fn grants_intro(&self, worker: &str) -> String {
        self.with("page-grants-intro", &[("worker", worker)])
    }

    pub fn permissions_heading(&self, count: usize) -> String {
        let mut args = FluentArgs::new();
        args.set("count", count);
        self.text("page-permissions-heading", Some(&args))
    }

    /// R27: no end date.
    pub fn duration(&self, worker: &str, partner: &str) -> String {
        self.with("page-duration", &[("worker", worker), ("partner", partner)])
    }

    pub fn signed_in_as(&self, name: &str, email: &str) -> String {
        self.with("page-signed-in-as", &[("name", name), ("email", email)])
    }

    pub fn note_label(&self, worker: &str) -> String {
        self.with("page-note-label", &[("worker", worker)])
    }

    pub fn approved(&self, worker: &str, client: &str) -> String {
        self.with("page-approved", &[("worker", worker), ("client", client)])
    }

    pub fn declined(&self, worker: &str, client: &str) -> String {
        self.with("page-declined", &[("worker", worker), ("client", client)])
    }

    /// Why a decision was refused, in words.
    pub fn refusal(&self, code: Code, worker: &str, partner: &str) -> String {
        let id = match code {
            Code::LinkExpired
            | Code::LinkRevoked
            | Code::LinkDeclined
            | Code::AlreadyDeclined
            | Code::AlreadyApproved
            | Code::AlreadySuperAdmin
            | Code::NotEligibleForPartnerSeat
            | Code::PartnerTierNotAllowed
            | Code::AlreadyMember
            | Code::NotFound
            | Code::InvalidInput => format!("page-refused-{}", UserErrorCode::from(code).as_str()),
            _ => "page-refused-other".to_string(),
        };
        self.with(&id, &[("worker", worker), ("partner", partner)])
    }

    /// R51: why a sign-in did not sign the person in, in words.
    pub fn sign_in_refused(&self, r: SignInRefused) -> String {
        self.text(&format!("page-sign-in-refused-{}", r.code()), None)
    }

    /// A permission of the catalogue in words, as the emails name it.
    pub fn permission(&self, p: Permission) -> String {
        self.text(&format!("permission-{}", p.as_str()), None)
    }

    /// A moment as the page writes it: `December 7, 2026, 09:00 UTC`,
    /// `7 décembre 2026 à 09:00 UTC`, `2026年12月7日 09:00（UTC）`.
    pub fn moment(&self, at: DateTime<Utc>) -> String {
        let time = at.format("%H:%M").to_string();
        self.with("page-moment", &[("date", &date(self.locale, at)), ("time", &time)])
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn every_page_message_exists_in_every_language_with_the_same_variables() {
        // R55
        assert!(CATALOG.is_ok(), "{:?}", CATALOG.as_ref().err());
        if let Err(differences) = cam_adapters::i18n::same_messages(&SOURCES) {
            panic!("{differences}");
        }
    }

    #[test]
    fn every_sentence_is_written_in_each_language_without_a_missing_part() {
        // R55, R53
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let all = |w: Words| {
            let mut s = vec![
                w.title(),
                w.asks("Ana", "Agency"),
                w.can_be_approved(at),
                w.dead(LinkProblem::Expired, at, "Ana", "Agency"),
                w.dead(LinkProblem::Revoked, at, "Ana", "Agency"),
                w.permissions_heading(18),
                w.duration("Ana", "Agency"),
                w.approved("Ana", "Acme"),
                w.declined("Ana", "Acme"),
                w.never(),
                w.sign_in(),
                w.sign_in_with_provider(),
                w.sign_in_again(),
                w.anti_forgery(),
                w.sign_in_refused(SignInRefused::NoUser),
                w.sign_in_refused(SignInRefused::WrongState),
            ];
            s.extend(Permission::ALL.iter().map(|p| w.permission(*p)));
            s.extend(
                [Code::LinkExpired, Code::AlreadyApproved, Code::PartnerTierNotAllowed, Code::BuiltIn]
                    .map(|c| w.refusal(c, "Ana", "Agency")),
            );
            s
        };
        let english = all(Words::new(Locale::En));
        for locale in Locale::ALL.iter().copied() {
            let words = all(Words::new(locale));
            for (text, en) in words.iter().zip(&english) {
                assert!(
                    !text.contains('{') && !text.starts_with("page-") && !text.starts_with("permission-"),
                    "{text}"
                );
                if locale != Locale::En && !en.contains("SCIM") {
                    assert_ne!(text, en, "{locale:?} says it in English");
                }
            }
        }
        let w = |l| Words::new(l).can_be_approved(at);
        assert_eq!(w(Locale::En), "This link can be approved until March 1, 2026, 09:00 UTC.");
        assert_eq!(w(Locale::Fr), "Ce lien peut être approuvé jusqu'au 1er mars 2026 à 09:00 UTC.");
        assert_eq!(w(Locale::De), "Dieser Link kann bis zum 1. März 2026, 09:00 Uhr UTC genehmigt werden.");
        assert_eq!(w(Locale::It), "Questo link può essere approvato fino al 1º marzo 2026 alle 09:00 UTC.");
        assert_eq!(w(Locale::Ja), "このリンクは2026年3月1日 09:00（UTC）まで承認できます。");
    }
}
