//! Email delivery through a real SMTP server (R42, R57): the tests' own
//! (`cam_tests::smtp`, in this process on loopback), which keeps every
//! message it accepts and answers what each test tells it to. In process,
//! the dispatcher runs round by round on a delivery clock of its own; as
//! real `cam serve` processes, on real time, through an outage, a restart,
//! and two servers on one database.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use cam_adapters::clock::TestClock;
use cam_adapters::notify::{Dispatcher, SmtpMailer, SmtpSettings};
use cam_domain::Clock;
use cam_tests::smtp::{Behaviour, SmtpServer};
use cam_tests::*;
use chrono::Duration;
use serde_json::{json, Value};

use crate::process::{gql, op, token, Server};

fn message_ids(messages: &[Value]) -> Vec<String> {
    messages.iter().map(|m| m["message_id"].as_str().unwrap().to_string()).collect()
}

fn sent_to(messages: &[Value], email: &str) -> bool {
    messages.iter().any(|m| m["to"].as_str().is_some_and(|to| to.contains(email)))
}

fn dispatcher(t: &TestApp, smtp_url: &str) -> (Dispatcher, Arc<TestClock>) {
    dispatcher_within(t, smtp_url, StdDuration::from_secs(cam_adapters::notify::smtp::SEND_TIMEOUT_SECONDS))
}

/// A dispatcher whose deliveries each have `deadline`.
fn dispatcher_within(t: &TestApp, smtp_url: &str, deadline: StdDuration) -> (Dispatcher, Arc<TestClock>) {
    let clock = Arc::new(TestClock::new(t0()));
    let settings = SmtpSettings::parse(smtp_url).unwrap();
    let mailer = SmtpMailer::with_timeout(&settings, "Client Access Manager <no-reply@cam.test>", deadline).unwrap();
    (Dispatcher::new(t.app.store.clone(), Arc::new(mailer), clock.clone()), clock)
}

async fn outbox(t: &TestApp, to: &str) -> Vec<Value> {
    let q = "query($to: String){ outbox(to:$to){ kind status attempts lastError sentAt subject } }";
    t.ok(&As::Operator, q, json!({"to": to})).await["outbox"].as_array().unwrap().clone()
}

#[tokio::test]
async fn without_an_smtp_server_emails_stay_queued_and_are_never_marked_sent() {
    // R42
    let t = TestApp::new().await;
    let c = World::new(&t).managed_client().await;
    let mails = outbox(&t, &c.admin.email).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0]["kind"], json!("access_link.approved"));
    assert_eq!((&mails[0]["status"], &mails[0]["attempts"]), (&json!("QUEUED"), &json!(0)));
    assert!(mails[0]["sentAt"].is_null() && mails[0]["lastError"].is_null());
}

#[tokio::test]
async fn an_approval_leaves_as_a_mime_message_naming_the_people_and_accounts_and_is_sent_once() {
    // R42, R10
    let t = TestApp::new().await;
    let sink = SmtpServer::start().await;
    let c = World::new(&t).managed_client().await;
    let (d, _) = dispatcher(&t, &sink.url());
    let round = d.round().await.unwrap();
    assert_eq!((round.claimed, round.sent), (1, 1), "{round:?}");
    let messages = sink.wait_for(1, StdDuration::from_secs(10)).await;
    let m = &messages[0];
    assert_eq!(m["from"], json!("Client Access Manager <no-reply@cam.test>"));
    assert_eq!(m["to"], json!(c.admin.email));
    assert_eq!(m["rcpt_to"], json!([c.admin.email]));
    assert!(m["subject"].as_str().unwrap().starts_with("Client "), "{m}");
    assert!(m["message_id"].as_str().unwrap().starts_with("<cam-outbox-"), "{m}");
    assert!(!m["date"].as_str().unwrap().is_empty(), "{m}");
    assert_eq!(m["content_type"], json!("multipart/alternative"));
    let (text, html) = (m["text"].as_str().unwrap(), m["html"].as_str().unwrap());
    for who in ["Agency", "Client", "owner", "boss"] {
        assert!(text.contains(who) && html.contains(who), "{who:?} missing in {text} / {html}");
    }
    assert!(html.contains("<p>"), "{html}");
    let mails = outbox(&t, &c.admin.email).await;
    assert_eq!((&mails[0]["status"], &mails[0]["attempts"]), (&json!("SENT"), &json!(1)), "{mails:?}");
    assert!(!mails[0]["sentAt"].is_null());
    assert_eq!(d.round().await.unwrap().claimed, 0, "a sent email is not sent again");
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn an_smtp_server_that_is_down_then_refuses_is_retried_with_growing_back_off_until_it_takes_the_email() {
    // R42
    let t = TestApp::new().await;
    let mut sink = SmtpServer::start().await;
    sink.stop();
    let c = World::new(&t).managed_client().await;
    let (d, clock) = dispatcher(&t, &sink.url());

    // Down: nothing listens.
    assert_eq!(d.round().await.unwrap().retried, 1);
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!((&m["status"], &m["attempts"]), (&json!("QUEUED"), &json!(1)), "{m}");
    assert!(m["lastError"].as_str().is_some_and(|e| !e.is_empty()), "{m}");
    assert_eq!(d.round().await.unwrap().claimed, 0, "not before its back-off");
    clock.set(clock.now() + Duration::seconds(2));
    assert_eq!(d.round().await.unwrap().retried, 1, "the first retry comes within seconds");

    // Refusing: 451 on every message.
    sink.set(Behaviour::AnswerData("451 4.3.0 Try again later".into()));
    sink.restart().await;
    clock.set(clock.now() + Duration::seconds(3));
    assert_eq!(d.round().await.unwrap().claimed, 0, "the second wait is longer than the first");
    clock.set(clock.now() + Duration::seconds(1));
    assert_eq!(d.round().await.unwrap().retried, 1);
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!(m["attempts"], json!(3));
    assert!(m["lastError"].as_str().unwrap().contains("451"), "{m}");

    // Back: the email leaves, once.
    sink.set(Behaviour::Accept);
    clock.set(clock.now() + Duration::seconds(8));
    assert_eq!(d.round().await.unwrap().sent, 1);
    assert_eq!(sink.wait_for(1, StdDuration::from_secs(10)).await.len(), 1);
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!((&m["status"], &m["attempts"]), (&json!("SENT"), &json!(4)), "{m}");
    clock.set(clock.now() + Duration::hours(1));
    assert_eq!(d.round().await.unwrap().claimed, 0);
}

#[tokio::test]
async fn an_email_that_fails_for_24_hours_is_failed_and_never_sent() {
    // R42
    let t = TestApp::new().await;
    let mut sink = SmtpServer::start().await;
    sink.stop();
    let c = World::new(&t).managed_client().await;
    let (d, clock) = dispatcher(&t, &sink.url());
    assert_eq!(d.round().await.unwrap().retried, 1);
    clock.set(clock.now() + Duration::hours(23));
    assert_eq!(d.round().await.unwrap().retried, 1, "still retried after 23 hours");
    clock.set(clock.now() + Duration::hours(1));
    assert_eq!(d.round().await.unwrap().failed, 1);
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!((&m["status"], &m["attempts"]), (&json!("FAILED"), &json!(3)), "{m}");
    sink.restart().await;
    clock.set(clock.now() + Duration::hours(1));
    assert_eq!(d.round().await.unwrap().claimed, 0);
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_recipient_the_smtp_server_does_not_know_fails_the_email_at_once_with_the_servers_answer() {
    // R57
    let t = TestApp::new().await;
    let sink = SmtpServer::start().await;
    let c = World::new(&t).managed_client().await;
    sink.answer_recipient(&c.admin.email, "550 5.1.1 User unknown");
    let (d, clock) = dispatcher(&t, &sink.url());
    let round = d.round().await.unwrap();
    assert_eq!((round.failed, round.retried), (1, 0), "{round:?}");
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!((&m["status"], &m["attempts"]), (&json!("FAILED"), &json!(1)), "{m}");
    let error = m["lastError"].as_str().unwrap();
    assert!(error.contains("550") && error.contains("5.1.1 User unknown"), "the server's answer: {error}");
    assert_eq!(error.matches("User unknown").count(), 1, "each cause once: {error}");
    // A failed email is never tried again, even once the server knows the address.
    sink.answer_recipient(&c.admin.email, "250 2.1.5 OK");
    clock.set(clock.now() + Duration::hours(1));
    assert_eq!(d.round().await.unwrap().claimed, 0);
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_message_refused_for_good_at_its_end_of_data_is_failed_at_once() {
    // R57
    let t = TestApp::new().await;
    let sink = SmtpServer::start().await;
    sink.set(Behaviour::AnswerData("554 5.7.1 Message rejected as spam".into()));
    let c = World::new(&t).managed_client().await;
    let (d, _) = dispatcher(&t, &sink.url());
    assert_eq!(d.round().await.unwrap().failed, 1);
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!(m["status"], json!("FAILED"), "{m}");
    assert!(m["lastError"].as_str().unwrap().contains("5.7.1 Message rejected as spam"), "{m}");
}

#[tokio::test]
async fn a_recipient_deferred_with_451_is_tried_again_and_leaves_once_accepted() {
    // R57, R42
    let t = TestApp::new().await;
    let sink = SmtpServer::start().await;
    let c = World::new(&t).managed_client().await;
    sink.answer_recipient(&c.admin.email, "451 4.7.1 Greylisted, try again later");
    let (d, clock) = dispatcher(&t, &sink.url());
    assert_eq!(d.round().await.unwrap().retried, 1);
    let m = &outbox(&t, &c.admin.email).await[0];
    assert_eq!((&m["status"], &m["attempts"]), (&json!("QUEUED"), &json!(1)), "{m}");
    assert!(m["lastError"].as_str().unwrap().contains("4.7.1 Greylisted"), "{m}");
    sink.answer_recipient(&c.admin.email, "250 2.1.5 OK");
    clock.set(clock.now() + Duration::seconds(2));
    assert_eq!(d.round().await.unwrap().sent, 1);
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_named_once_in_last_error() {
    // R57: each cause once (it read "Connection refused (os error 111): Connection refused (os error 111)").
    let t = TestApp::new().await;
    let mut sink = SmtpServer::start().await;
    sink.stop();
    let c = World::new(&t).managed_client().await;
    let (d, _) = dispatcher(&t, &sink.url());
    assert_eq!(d.round().await.unwrap().retried, 1);
    let error = outbox(&t, &c.admin.email).await[0]["lastError"].as_str().unwrap().to_string();
    assert!(error.to_lowercase().contains("refused"), "{error}");
    assert_eq!(error.matches("os error").count(), 1, "each cause once: {error}");
}

#[tokio::test]
async fn a_server_that_never_greets_costs_one_deadline_per_round_and_the_emails_leave_once_it_answers() {
    // R42: every SMTP step has a deadline that fires; a dead server is not waited on email after email.
    let t = TestApp::new().await;
    let sink = SmtpServer::start().await;
    sink.set(Behaviour::NeverGreet);
    let mut admins = Vec::new();
    for _ in 0..3 {
        admins.push(World::new(&t).managed_client().await.admin.email);
    }
    let (d, clock) = dispatcher_within(&t, &sink.url(), StdDuration::from_millis(300));
    let round = d.round().await.unwrap();
    assert_eq!((round.claimed, round.retried, round.sent), (3, 1, 0), "one attempt, the rest given back: {round:?}");
    let first = &outbox(&t, &admins[0]).await[0];
    assert_eq!(first["attempts"], json!(1), "{first}");
    assert!(first["lastError"].as_str().unwrap().contains("did not finish within"), "{first}");
    for other in &admins[1..] {
        let m = &outbox(&t, other).await[0];
        assert_eq!((&m["status"], &m["attempts"]), (&json!("QUEUED"), &json!(0)), "given back untried: {m}");
    }
    // Given back, not held: the next round may take them at once.
    sink.set(Behaviour::Accept);
    assert_eq!(d.round().await.unwrap().sent, 2);
    clock.set(clock.now() + Duration::seconds(2));
    assert_eq!(d.round().await.unwrap().sent, 1);
    assert_eq!(sink.wait_for(3, StdDuration::from_secs(10)).await.len(), 3);
}

// ---------------------------------------------------------------- real processes

/// A client with a super admin; returns (client id, the owner's token).
async fn client_with_owner(http: &reqwest::Client, s: &Server, name: &str) -> (String, String) {
    let c = op(http, s, "mutation($n: String!){ createAccount(input:{kind:CLIENT, name:$n}){ clientAccount{ id } userErrors{ code } } }", json!({"n": name})).await;
    let client = c["clientAccount"]["id"].as_str().unwrap().to_string();
    let email = format!("owner@{}.test", name.to_lowercase().replace(' ', "-"));
    let u = op(
        http,
        s,
        "mutation($e: String!){ createUser(input:{email:$e, name:\"Olivia Owner\"}){ user{ id } userErrors{ code } } }",
        json!({"e": email}),
    )
    .await;
    let add = "mutation($a: ID!, $u: ID!){ addMember(input:{accountId:$a, userId:$u, role:SUPER_ADMIN}){ userErrors{ code } } }";
    op(http, s, add, json!({"a": client, "u": u["user"]["id"]})).await;
    (client, token(&email))
}

/// The owner adds users by email (R22): one email queued for each.
async fn add_users(http: &reqwest::Client, s: &Server, client: &str, owner: &str, emails: &[String]) {
    let q = "mutation($i: AddClientUsersInput!){ addClientUsers(input:$i){ memberships{ id } userErrors{ code } } }";
    let r = gql(
        http,
        s,
        owner,
        q,
        json!({"i": {"clientAccountId": client, "emails": emails, "seat": "CORE", "permissions": []}}),
    )
    .await;
    assert!(r.get("errors").is_none() && user_error_codes(&r["data"]["addClientUsers"]).is_empty(), "{r}");
}

/// `/metrics`' `cam_emails_oldest_queued_age_seconds`.
async fn oldest_queued_age(http: &reqwest::Client, s: &Server) -> f64 {
    let metrics = http.get(format!("{}/metrics", s.url)).send().await.unwrap().text().await.unwrap();
    let line = metrics.lines().find(|l| l.starts_with("cam_emails_oldest_queued_age_seconds ")).expect("the gauge");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn migrated(db: &TestDb) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_cam-under-test"))
        .args(["migrate"])
        .env("CAM_DATABASE_URL", &db.url)
        .stdout(Stdio::null())
        .status()
        .expect("cam migrate");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_sends_within_five_seconds_and_after_an_outage_and_a_restart_nothing_is_lost() {
    // R42
    let db = TestDb::new().await;
    let mut sink = SmtpServer::start().await;
    let smtp = sink.url();
    let env = [("CAM_SMTP_URL", smtp.as_str()), ("CAM_SMTP_FROM", "CAM <no-reply@cam.test>"), ("RUST_LOG", "info")];
    let mut a = Server::start_logged(&db.url, &env).await;
    let http = reqwest::Client::new();
    let (client, owner) = client_with_owner(&http, &a, "Acme Mail").await;

    let first: Vec<String> = (1..=3).map(|i| format!("new{i}@acme-mail.test")).collect();
    add_users(&http, &a, &client, &owner, &first).await;
    let got = sink.wait_for(3, StdDuration::from_secs(5)).await;
    assert!(first.iter().all(|e| sent_to(&got, e)), "{got:?}");
    assert!(
        got.iter().all(|m| m["text"].as_str().unwrap().contains("Olivia Owner added you to Acme Mail")),
        "names who and where: {got:?}"
    );

    // Outage: the server keeps the emails and retries.
    sink.stop();
    let second: Vec<String> = (4..=5).map(|i| format!("new{i}@acme-mail.test")).collect();
    add_users(&http, &a, &client, &owner, &second).await;
    a.next_log(|l| l.contains("will try again")).await;
    let age = oldest_queued_age(&http, &a).await;
    assert!(age > 0.0, "the operator sees the outbox waiting: {age}");
    // Both failed once (and so are no longer claimed) before the crash.
    let deadline = Instant::now() + StdDuration::from_secs(20);
    loop {
        let r = gql(&http, &a, OPERATOR_TOKEN, "{ outbox(first: 2){ status attempts lastError } }", json!({})).await;
        let rows = r["data"]["outbox"].as_array().unwrap().clone();
        if rows.iter().all(|m| m["status"] == json!("QUEUED") && m["attempts"].as_i64() >= Some(1)) {
            assert!(rows.iter().all(|m| !m["lastError"].is_null()), "{r}");
            break;
        }
        assert!(Instant::now() < deadline, "{r}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    // Restart: the server dies mid-outage; another one takes over.
    a.child.kill().await.ok();
    sink.restart().await;
    let b = Server::start(&db.url, &env).await;
    let got = sink.wait_for(5, StdDuration::from_secs(30)).await;
    assert_eq!(got.len(), 5, "every email once");
    assert!(second.iter().all(|e| sent_to(&got, e)), "{got:?}");
    let mut ids = message_ids(&got);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);

    // The server marks an email SENT once the SMTP server has answered.
    let deadline = Instant::now() + StdDuration::from_secs(20);
    let (r, rows) = loop {
        let r =
            gql(&http, &b, OPERATOR_TOKEN, "{ outbox(first: 10){ to status attempts lastError } }", json!({})).await;
        let rows = r["data"]["outbox"].as_array().unwrap().clone();
        if rows.iter().all(|m| m["status"] == json!("SENT")) {
            break (r, rows);
        }
        assert!(Instant::now() < deadline, "{r}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    };
    assert!(rows.iter().filter(|m| m["attempts"].as_i64().unwrap() > 1).count() >= 2, "the retried ones: {r}");
    // Counted once its row is marked SENT: the outbox can show SENT a moment
    // before the counter moves.
    loop {
        let metrics = http.get(format!("{}/metrics", b.url)).send().await.unwrap().text().await.unwrap();
        if metrics.contains("cam_emails_sent_total 2") {
            break;
        }
        assert!(Instant::now() < deadline, "{metrics}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert_eq!(oldest_queued_age(&http, &b).await, 0.0, "nothing waits any more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_never_send_the_same_email_twice() {
    // R42
    let db = TestDb::new().await;
    migrated(&db).await;
    let sink = SmtpServer::start().await;
    let smtp = sink.url();
    let env = [("CAM_SMTP_URL", smtp.as_str())];
    let (a, b) = (Server::start(&db.url, &env).await, Server::start(&db.url, &env).await);
    let http = reqwest::Client::new();
    let (client, owner) = client_with_owner(&http, &a, "Twin").await;
    let mut n = 0;
    for round in 0..8 {
        let emails: Vec<String> = (0..5).map(|i| format!("u{round}-{i}@twin.test")).collect();
        let s = if round % 2 == 0 { &a } else { &b };
        add_users(&http, s, &client, &owner, &emails).await;
        n += emails.len();
    }
    let got = sink.wait_for(n, StdDuration::from_secs(30)).await;
    // Every row is SENT, so every send has finished: nothing more can come.
    let deadline = Instant::now() + StdDuration::from_secs(30);
    loop {
        let r = gql(&http, &a, OPERATOR_TOKEN, "{ outbox(first: 100){ status } }", json!({})).await;
        let rows = r["data"]["outbox"].as_array().unwrap().clone();
        if rows.len() == n && rows.iter().all(|m| m["status"] == json!("SENT")) {
            break;
        }
        assert!(Instant::now() < deadline, "{r}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    let got = if sink.messages().len() > got.len() { sink.messages() } else { got };
    assert_eq!(got.len(), n, "each email exactly once");
    let mut ids = message_ids(&got);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no Message-ID twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_link_urls_never_reach_the_logs() {
    // R42, R8
    let db = TestDb::new().await;
    let sink = SmtpServer::start().await;
    let smtp = sink.url();
    let env = [("CAM_SMTP_URL", smtp.as_str()), ("RUST_LOG", "debug")];
    let mut s = Server::start_logged(&db.url, &env).await;
    let http = reqwest::Client::new();
    let p = op(&http, &s, "mutation{ createAccount(input:{kind:PARTNER, name:\"Loggers\", tier:PROVIDER}){ partnerAccount{ id } userErrors{ code } } }", json!({})).await;
    let partner = p["partnerAccount"]["id"].as_str().unwrap().to_string();
    op(&http, &s, "mutation($p: ID!){ addVerifiedDomain(input:{partnerAccountId:$p, domain:\"loggers.test\"}){ userErrors{ code } } }", json!({"p": partner})).await;
    let u = op(
        &http,
        &s,
        "mutation{ createUser(input:{email:\"ana@loggers.test\", name:\"Ana\"}){ user{ id } userErrors{ code } } }",
        json!({}),
    )
    .await;
    let add = "mutation($a: ID!, $u: ID!){ addMember(input:{accountId:$a, userId:$u, role:SUPER_ADMIN, workerKind:EMPLOYEE}){ userErrors{ code } } }";
    op(&http, &s, add, json!({"a": partner, "u": u["user"]["id"]})).await;
    let (client, owner) = client_with_owner(&http, &s, "Logged Client").await;
    let link = gql(
        &http,
        &s,
        &token("ana@loggers.test"),
        "mutation($p: ID!){ createAccessLink(input:{partnerAccountId:$p}){ token url userErrors{ code } } }",
        json!({"p": partner}),
    )
    .await;
    let secret = link["data"]["createAccessLink"]["token"].as_str().unwrap().to_string();
    let url = link["data"]["createAccessLink"]["url"].as_str().unwrap().to_string();
    let ap = gql(&http, &s, &owner, "mutation($t: String!, $c: ID!){ approveAccessLink(input:{token:$t, clientAccountId:$c}){ userErrors{ code } } }", json!({"t": secret, "c": client})).await;
    assert!(user_error_codes(&ap["data"]["approveAccessLink"]).is_empty(), "{ap}");
    sink.wait_for(1, StdDuration::from_secs(10)).await;
    // Every line up to the dispatcher's report of the sent email.
    let deadline = Instant::now() + StdDuration::from_secs(10);
    let mut seen_sent = false;
    while !seen_sent {
        for line in s.logged_so_far() {
            assert!(!line.contains(&secret) && !line.contains(&url), "a log line leaks the token: {line}");
            seen_sent |= line.contains("email sent");
        }
        assert!(Instant::now() < deadline, "the dispatcher logged no sent email");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}
