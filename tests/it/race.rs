//! R31 under races between two server processes sharing one database: two
//! `cam serve` processes, each asked at the same moment to migrate one of a
//! client's two super admins to partner admin. Every round must end with
//! exactly one migration done and one super admin left.

use std::process::Stdio;

use cam_tests::*;
use serde_json::{json, Value};

use crate::process::{gql, op, token, Server};

const ROUNDS: usize = 25;

const MIGRATE: &str =
    "mutation($c: ID!){ changeToPartnerAdmin(input:{clientAccountId:$c}){ membership{ role } userErrors{ code } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_racing_to_migrate_the_last_two_super_admins_leave_exactly_one() {
    // R31
    let db = TestDb::new().await;
    let migrated = std::process::Command::new(env!("CARGO_BIN_EXE_cam-under-test"))
        .args(["migrate"])
        .env("CAM_DATABASE_URL", &db.url)
        .stdout(Stdio::null())
        .status()
        .expect("cam migrate");
    assert!(migrated.success());
    let (a, b) = (Server::start(&db.url, &[]).await, Server::start(&db.url, &[]).await);
    let http = reqwest::Client::new();

    let p = op(&http, &a, "mutation{ createAccount(input:{kind:PARTNER, name:\"Racers\", tier:PROVIDER}){ partnerAccount{ id } userErrors{ code } } }", json!({})).await;
    let partner = p["partnerAccount"]["id"].as_str().unwrap().to_string();
    op(&http, &a, "mutation($p: ID!){ addVerifiedDomain(input:{partnerAccountId:$p, domain:\"racers.com\"}){ userErrors{ code } } }", json!({"p": partner})).await;

    let mut winners = 0;
    for round in 0..ROUNDS {
        let c = op(&http, &b, "mutation($n: String!){ createAccount(input:{kind:CLIENT, name:$n}){ clientAccount{ id } userErrors{ code } } }", json!({"n": format!("Client {round}")})).await;
        let client = c["clientAccount"]["id"].as_str().unwrap().to_string();
        let mut emails = Vec::new();
        for who in ["left", "right"] {
            let email = format!("{who}{round}@racers.com");
            let u = op(
                &http,
                &a,
                "mutation($e: String!){ createUser(input:{email:$e, name:\"R\"}){ user{ id } userErrors{ code } } }",
                json!({"e": email}),
            )
            .await;
            let uid = u["user"]["id"].as_str().unwrap().to_string();
            let add = "mutation($a: ID!, $u: ID!, $r: Role!){ addMember(input:{accountId:$a, userId:$u, role:$r}){ userErrors{ code } } }";
            op(&http, &a, add, json!({"a": partner, "u": uid, "r": "STANDARD"})).await;
            op(&http, &b, add, json!({"a": client, "u": uid, "r": "SUPER_ADMIN"})).await;
            emails.push(email);
        }
        // Act: both at once, one through each server.
        let (ta, tb) = (token(&emails[0]), token(&emails[1]));
        let (ra, rb) = tokio::join!(
            gql(&http, &a, &ta, MIGRATE, json!({"c": client})),
            gql(&http, &b, &tb, MIGRATE, json!({"c": client}))
        );
        let outcome = |r: &Value| {
            let p = &r["data"]["changeToPartnerAdmin"];
            assert!(r.get("errors").is_none(), "round {round}: {r}");
            (p["membership"]["role"] == "PARTNER_ADMIN", user_error_codes(p))
        };
        let (oa, ob) = (outcome(&ra), outcome(&rb));
        let done = [oa.0, ob.0].iter().filter(|x| **x).count();
        assert_eq!(done, 1, "round {round}: exactly one migration must win: {ra} / {rb}");
        let loser = if oa.0 { &ob.1 } else { &oa.1 };
        assert_eq!(loser, &vec!["LAST_SUPER_ADMIN".to_string()], "round {round}");
        let n = gql(
            &http,
            &a,
            OPERATOR_TOKEN,
            "query($c: ID!){ clientAccount(id:$c){ superAdminCount } }",
            json!({"c": client}),
        )
        .await;
        assert_eq!(n["data"]["clientAccount"]["superAdminCount"], json!(1), "round {round}: {n}");
        winners += done;
    }
    assert_eq!(winners, ROUNDS);
}
