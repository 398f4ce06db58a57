//! Background tasks of `cam serve`: the sweep of scheduled work every
//! minute (R36) and how often the email dispatcher (R42, wired in
//! `wiring.rs`) polls.

use std::time::Duration;

use cam_domain::Cam;

/// R36: how often the sweep runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// R42: how often the dispatcher looks for emails queued by other servers
/// (a commit in this process wakes it at once).
pub const POLL_OUTBOX_EVERY: Duration = Duration::from_secs(2);

/// Runs the sweep now and then every `every`, until the task is dropped.
pub async fn sweep_forever(cam: Cam, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // Failures are logged by the use case; the next tick tries again.
        let _ = cam.schedule.sweep().await;
    }
}

/// The sender when `CAM_SMTP_FROM` is not set: no-reply at the public
/// URL's host.
pub fn default_from(public_url: &str) -> String {
    let host = url_host(public_url).unwrap_or_else(|| "localhost".to_string());
    // An address literal is no mail domain lettre takes: a local server it is.
    let host = if host.parse::<std::net::IpAddr>().is_ok() { "localhost".to_string() } else { host };
    format!("Client Access Manager <no-reply@{host}>")
}

fn url_host(u: &str) -> Option<String> {
    let url = url::Url::parse(u).ok()?;
    let host = url.host_str()?.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiring::mailer;

    // The transport's connection pool lives on a tokio runtime.
    #[tokio::test]
    async fn the_default_sender_is_no_reply_at_the_public_host() {
        assert_eq!(default_from("https://cam.example.com/x"), "Client Access Manager <no-reply@cam.example.com>");
        assert_eq!(default_from("http://127.0.0.1:8080"), "Client Access Manager <no-reply@localhost>");
        assert_eq!(default_from("http://[::1]:8080"), "Client Access Manager <no-reply@localhost>");
        assert_eq!(
            default_from("https://user:pw@CAM.Example.com:8443/?q"),
            "Client Access Manager <no-reply@cam.example.com>"
        );
        assert_eq!(default_from("not a url"), "Client Access Manager <no-reply@localhost>");
        for u in ["https://cam.example.com", "http://127.0.0.1:8080", "http://localhost:1"] {
            assert!(mailer("smtp://127.0.0.1:25", &default_from(u)).is_ok(), "{u}");
        }
    }
}
