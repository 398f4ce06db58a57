//! `FluentEmails`: writes the domain's email `Message`s in their
//! recipients' languages (R55) from Project Fluent files, one per language
//! (`ftl/*.ftl`, compiled into the binary), and adds the link to where the
//! recipient acts in the frontend app (R56) when `CAM_APP_URL` is set.
//!
//! Fluent has no date formatting of its own here: dates are written in each
//! language's usual form by [`date`] and handed to the messages as text.

use cam_domain::account::model::AccountKind;
use cam_domain::notify::model::{Link, Message, OffboardingKind, Written};
use cam_domain::notify::ports::EmailWriter;
use cam_domain::permission::Permission;
use cam_domain::user::model::Locale;
use cam_domain::AccountId;
use fluent_bundle::{FluentArgs, FluentValue};

pub use crate::i18n::date;
use crate::i18n::Catalog;

/// The message file of each language.
pub const SOURCES: [(Locale, &str); 5] = crate::ftl_files!("ftl");

/// How a global id is made from an account (the API's `ID`s).
pub type GlobalId = fn(AccountKind, AccountId) -> String;

/// The emails' messages in the five languages and the app's base URL.
pub struct FluentEmails {
    catalog: Catalog,
    /// `CAM_APP_URL` without its trailing slash; `None`: no links (R56).
    app_url: Option<String>,
    global_id: GlobalId,
}

impl std::fmt::Debug for FluentEmails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FluentEmails").field("app_url", &self.app_url).finish()
    }
}

impl FluentEmails {
    /// The writer, linking to `app_url` when given. Errors: a message file
    /// that does not parse.
    pub fn new(app_url: Option<&str>, global_id: GlobalId) -> Result<Self, String> {
        let files: Vec<(Locale, [&str; 1])> = SOURCES.iter().map(|(l, s)| (*l, [*s])).collect();
        let sources: Vec<(Locale, &[&str])> = files.iter().map(|(l, s)| (*l, &s[..])).collect();
        let catalog = Catalog::new(&sources)?;
        let app_url = app_url.map(|u| u.trim_end_matches('/').to_string());
        Ok(Self { catalog, app_url, global_id })
    }

    /// R56: the URL of a place in the app, with global ids (no secret).
    pub fn url(&self, link: Link) -> Option<String> {
        let app = self.app_url.as_deref()?;
        let id = |kind, account| (self.global_id)(kind, account);
        Some(match link {
            Link::Client(c) => format!("{app}/clients/{}", id(AccountKind::Client, c)),
            Link::AccountAudit(a) => format!("{app}/accounts/{}/audit", id(AccountKind::Client, a)),
            Link::PartnerAccessLinks(p) => format!("{app}/partners/{}/access-links", id(AccountKind::Partner, p)),
            Link::PartnerDomains(p) => format!("{app}/partners/{}/domains", id(AccountKind::Partner, p)),
        })
    }

    /// A message of this language (else English, else its id).
    fn text(&self, locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.catalog.text(locale, id, args)
    }

    /// The message's id and arguments (subject and body share them).
    fn parts(&self, locale: Locale, message: &Message) -> (&'static str, FluentArgs<'static>) {
        let mut a = FluentArgs::new();
        let id = match message {
            Message::AccessLinkApproved { approver, client, partner, permissions, .. } => {
                a.set("approver", approver.clone());
                a.set("client", client.clone());
                a.set("partner", partner.clone());
                let names: Vec<String> = permissions.iter().map(|p| self.permission(locale, p)).collect();
                a.set("permissions", lines(&names));
                "access-link-approved"
            }
            Message::MembershipAdded { adder, client, partner, .. } => {
                a.set("adder", adder.clone());
                a.set("client", client.clone());
                a.set("partner", partner.clone());
                "membership-added"
            }
            Message::ClientUserAdded { adder, client } => {
                a.set("adder", adder.clone());
                a.set("client", client.clone());
                "client-user-added"
            }
            Message::ClientsAdded { adder, partner, count, clients, more } => {
                a.set("adder", adder.clone());
                a.set("partner", partner.clone());
                a.set("count", *count);
                a.set("clients", self.list(locale, clients, *more));
                "clients-added"
            }
            Message::RelationshipEndingWarning {
                partner,
                client,
                client_display,
                days,
                ends_at,
                last_activity_at,
                ..
            } => {
                a.set("partner", partner.clone());
                a.set("client", client.clone());
                a.set("display", client_display.clone());
                a.set("days", *days);
                a.set("ends", date(locale, *ends_at));
                a.set("time", ends_at.format("%H:%M").to_string());
                a.set("last", date(locale, *last_activity_at));
                "relationship-ending"
            }
            Message::RelationshipEndedForPartner {
                partner,
                client,
                client_display,
                ended_at,
                last_activity_at,
                ..
            } => {
                a.set("partner", partner.clone());
                a.set("client", client.clone());
                a.set("display", client_display.clone());
                a.set("ends", date(locale, *ended_at));
                a.set("last", date(locale, *last_activity_at));
                "relationship-ended-partner"
            }
            Message::RelationshipEndedForClient { partner, client, ended_at, .. } => {
                a.set("partner", partner.clone());
                a.set("client", client.clone());
                a.set("ends", date(locale, *ended_at));
                "relationship-ended-client"
            }
            Message::Offboarding { what, partner, client, people, reassigned, unassigned, .. } => {
                a.set(
                    "what",
                    match what {
                        OffboardingKind::Deactivated => "deactivated",
                        OffboardingKind::Removed => "removed",
                        OffboardingKind::Expired => "expired",
                    },
                );
                a.set("partner", partner.clone());
                a.set("client", client.clone());
                a.set("count", people.len());
                a.set("people", lines(people));
                a.set("reassigned", *reassigned);
                a.set("unassigned", *unassigned);
                "offboarding"
            }
            Message::MembershipExpiring { client, partner, expires_at, days, .. } => {
                a.set("client", client.clone());
                a.set("partner", partner.clone());
                a.set("date", date(locale, *expires_at));
                a.set("time", expires_at.format("%H:%M").to_string());
                a.set("days", *days);
                "membership-expiring"
            }
            Message::AccessLinkDeclined { partner, client, worker, .. } => {
                a.set("partner", partner.clone());
                a.set("client", client.clone());
                a.set("worker", worker.clone());
                "access-link-declined"
            }
            Message::DomainCheckFailing { partner, domain, .. } => {
                a.set("partner", partner.clone());
                a.set("domain", domain.clone());
                "domain-check-failing"
            }
            Message::DomainLapsed { partner, domain, .. } => {
                a.set("partner", partner.clone());
                a.set("domain", domain.clone());
                "domain-lapsed"
            }
        };
        (id, a)
    }

    /// A permission's name in this language.
    fn permission(&self, locale: Locale, p: Permission) -> String {
        self.text(locale, &format!("permission-{}", p.as_str()), None)
    }

    /// Names as one phrase: the first ones, and how many more.
    fn list(&self, locale: Locale, names: &[String], more: u64) -> String {
        let list = names.join(&self.text(locale, "list-separator", None));
        if more == 0 {
            return list;
        }
        let mut a = FluentArgs::new();
        a.set("list", list);
        a.set("more", more);
        self.text(locale, "list-and-more", Some(&a))
    }
}

/// Items one per line, as a list in plain text.
fn lines(items: &[String]) -> String {
    items.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n")
}

impl EmailWriter for FluentEmails {
    fn write(&self, locale: Locale, name: &str, message: &Message) -> Written {
        let (id, args) = self.parts(locale, message);
        let subject = self.text(locale, &format!("{id}-subject"), Some(&args));
        let mut paragraphs = Vec::new();
        let mut greeting = FluentArgs::new();
        greeting.set("name", FluentValue::from(name.to_string()));
        paragraphs.push(self.text(locale, "email-greeting", Some(&greeting)));
        paragraphs.push(self.text(locale, &format!("{id}-body"), Some(&args)));
        if let Message::AccessLinkDeclined { note: Some(note), .. } = message {
            let mut a = FluentArgs::new();
            a.set("note", note.clone());
            paragraphs.push(self.text(locale, "access-link-declined-note", Some(&a)));
        }
        if let Some((link, url)) = message.link().and_then(|l| self.url(l).map(|u| (l, u))) {
            let intro = match link {
                Link::Client(_) => "link-client",
                Link::AccountAudit(_) => "link-audit",
                Link::PartnerAccessLinks(_) => "link-access-links",
                Link::PartnerDomains(_) => "link-domains",
            };
            paragraphs.push(format!("{}\n{url}", self.text(locale, intro, None)));
        }
        let body = format!("{}\n\n-- \n{}\n", paragraphs.join("\n\n"), self.text(locale, "email-signature", None));
        Written { subject, body }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn every_message_exists_in_every_language_with_the_same_variables() {
        // R55
        let english = crate::i18n::variables(SOURCES[0].1).unwrap();
        assert!(english.len() > 40, "{english:?}");
        if let Err(differences) = crate::i18n::same_messages(&SOURCES) {
            panic!("{differences}");
        }
        for p in Permission::ALL {
            assert!(english.contains_key(&format!("permission-{}", p.as_str())), "{p:?} has a name");
        }
    }

    fn global_id(kind: AccountKind, id: AccountId) -> String {
        format!("{}:{}", kind.as_str(), id.get())
    }

    pub(super) fn all_messages() -> Vec<Message> {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap();
        let (c, p) = (AccountId::new(7), AccountId::new(3));
        let s = |x: &str| x.to_string();
        vec![
            Message::AccessLinkApproved {
                approver: s("Olivia"),
                client: s("Acme"),
                client_id: c,
                partner: s("Agency"),
                permissions: cam_domain::permission::Permissions::partner_admin_set(),
            },
            Message::MembershipAdded { adder: s("Pat"), client: s("Acme"), client_id: c, partner: s("Agency") },
            Message::ClientUserAdded { adder: s("Olivia"), client: s("Acme") },
            Message::ClientsAdded {
                adder: s("Pat"),
                partner: s("Agency"),
                count: 22,
                clients: vec![s("Acme"), s("Beta")],
                more: 20,
            },
            Message::RelationshipEndingWarning {
                partner: s("Agency"),
                client: s("Acme"),
                client_id: c,
                client_display: s("Acme CRM"),
                days: 1,
                ends_at: at,
                last_activity_at: at,
            },
            Message::RelationshipEndedForPartner {
                partner: s("Agency"),
                client: s("Acme"),
                client_id: c,
                client_display: s("Acme CRM"),
                ended_at: at,
                last_activity_at: at,
            },
            Message::RelationshipEndedForClient { partner: s("Agency"), client: s("Acme"), client_id: c, ended_at: at },
            Message::Offboarding {
                what: OffboardingKind::Removed,
                partner: s("Agency"),
                client: s("Acme"),
                client_id: c,
                people: vec![s("Ana <ana@agency.test>")],
                reassigned: 0,
                unassigned: 1,
            },
            Message::MembershipExpiring {
                client: s("Acme"),
                client_id: c,
                partner: s("Agency"),
                expires_at: at,
                days: 7,
            },
            Message::AccessLinkDeclined {
                partner: s("Agency"),
                partner_id: p,
                client: s("Acme"),
                worker: s("Ana"),
                note: Some(s("Not this year.")),
            },
            Message::DomainCheckFailing { partner: s("Agency"), partner_id: p, domain: s("agency.test") },
            Message::DomainLapsed { partner: s("Agency"), partner_id: p, domain: s("agency.test") },
        ]
    }

    #[test]
    fn every_message_is_written_in_every_language_without_a_missing_part() {
        // R55
        let w = FluentEmails::new(Some("https://app.example/"), global_id).unwrap();
        for m in all_messages() {
            let english = w.write(Locale::En, "Ana", &m);
            for locale in Locale::ALL.iter().copied() {
                let x = w.write(locale, "Ana", &m);
                for text in [&x.subject, &x.body] {
                    assert!(!text.contains('{') && !text.contains("-subject") && !text.contains("-body"), "{text}");
                }
                assert!(x.body.contains("Ana") && x.body.ends_with("-- \nClient Access Manager\n"), "{}", x.body);
                if locale != Locale::En {
                    assert_ne!(x.subject, english.subject, "{locale:?} {m:?}");
                    assert_ne!(x.body, english.body, "{locale:?} {m:?}");
                }
            }
        }
    }

    #[test]
    fn dates_and_permission_names_are_in_the_recipients_language() {
        // R55
        let w = FluentEmails::new(None, global_id).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap();
        let expiring =
            |l| w.write(l, "Ana", &all_messages()[8]).body.contains(&date(l, at)).then(|| date(l, at)).unwrap();
        assert_eq!(
            Locale::ALL.iter().map(|l| expiring(*l)).collect::<Vec<_>>(),
            ["December 7, 2026", "7 décembre 2026", "7. Dezember 2026", "7 dicembre 2026", "2026年12月7日"]
        );
        assert_eq!(date(Locale::Fr, Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()), "1er mars 2026");
        let approved = w.write(Locale::De, "Ana", &all_messages()[0]);
        assert!(approved.body.contains("Benutzer hinzufügen und bearbeiten"), "{}", approved.body);
        let approved = w.write(Locale::Ja, "Ana", &all_messages()[0]);
        assert!(approved.body.contains("ユーザーの追加と編集") && approved.subject.contains("承認"), "{approved:?}");
    }

    #[test]
    fn links_lead_to_the_app_with_global_ids_only_when_it_is_known() {
        // R56
        let w = FluentEmails::new(Some("https://app.example/"), global_id).unwrap();
        let urls: Vec<Option<String>> = all_messages().iter().map(|m| m.link().and_then(|l| w.url(l))).collect();
        assert_eq!(urls[0].as_deref(), Some("https://app.example/clients/CLIENT:7"));
        assert_eq!(urls[7].as_deref(), Some("https://app.example/accounts/CLIENT:7/audit"));
        assert_eq!(urls[9].as_deref(), Some("https://app.example/partners/PARTNER:3/access-links"));
        assert_eq!(urls[10].as_deref(), Some("https://app.example/partners/PARTNER:3/domains"));
        assert_eq!(urls[2], None, "a client's new user has no place in the partner app");
        assert!(w.write(Locale::Fr, "Ana", &all_messages()[0]).body.contains("\nhttps://app.example/clients/CLIENT:7"));
        let without = FluentEmails::new(None, global_id).unwrap();
        for m in all_messages() {
            assert!(!without.write(Locale::En, "Ana", &m).body.contains("http"), "{m:?}");
        }
    }
}
