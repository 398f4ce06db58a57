//! A real SMTP server for the tests (R42, R57), inside the test process on
//! loopback: it speaks SMTP (RFC 5321: greeting, EHLO/HELO, MAIL, RCPT,
//! DATA with dot-stuffing, RSET, NOOP, QUIT) to whatever client connects,
//! the dispatcher of an in-process app or a real `cam serve` process, and
//! keeps every message it accepts, parsed (headers, decoded text and HTML
//! parts) with `mail-parser`.
//!
//! What it answers is the test's to set while it runs: accept, defer
//! (`451` to the message), refuse a recipient (`550`, or any code), or
//! never greet (a server that accepts TCP and then says nothing). It can go
//! down (`stop`: the port refuses connections) and come back on the same
//! port (`start_on`), keeping what it received.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::MimeHeaders;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How the server answers, changed by the test at any time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// Takes every message (`250`).
    Accept,
    /// Answers every message's end of data with this reply, e.g.
    /// `451 4.3.0 Try again later` or `554 5.7.1 Rejected`.
    AnswerData(String),
    /// Accepts the connection and never sends its greeting.
    NeverGreet,
}

#[derive(Default)]
struct State {
    behaviour: Mutex<Option<Behaviour>>,
    /// Replies to `RCPT TO` for given addresses (lower-cased).
    recipients: Mutex<HashMap<String, String>>,
    messages: Mutex<Vec<Value>>,
    /// Connections accepted so far (greeted or not).
    connections: Mutex<usize>,
}

/// A running (or stopped) SMTP server.
pub struct SmtpServer {
    pub port: u16,
    state: Arc<State>,
    arrived: watch::Sender<usize>,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl SmtpServer {
    /// Starts on a free loopback port, accepting everything.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Starts on `port` (0: a free one), accepting everything.
    pub async fn start_on(port: u16) -> Self {
        let (arrived, _) = watch::channel(0);
        let mut s = Self { port, state: Arc::new(State::default()), arrived, serving: None };
        s.set(Behaviour::Accept);
        s.listen().await;
        s
    }

    /// Comes back on the same port after `stop`, with what it had received.
    pub async fn restart(&mut self) {
        self.stop();
        self.listen().await;
    }

    async fn listen(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.expect("bind the SMTP server");
        self.port = listener.local_addr().unwrap().port();
        let (state, arrived) = (self.state.clone(), self.arrived.clone());
        self.serving = Some(tokio::spawn(async move {
            // Dropping this task (stop) drops the listener and every session.
            let mut sessions = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        *state.connections.lock().unwrap() += 1;
                        sessions.spawn(session(stream, state.clone(), arrived.clone()));
                    }
                    Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
                }
            }
        }));
    }

    /// Goes down: the port refuses connections, open sessions are cut.
    pub fn stop(&mut self) {
        if let Some(task) = self.serving.take() {
            task.abort();
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set(&self, behaviour: Behaviour) {
        *self.state.behaviour.lock().unwrap() = Some(behaviour);
    }

    /// Answers `RCPT TO:<address>` with `reply` (e.g. `550 5.1.1 User unknown`).
    pub fn answer_recipient(&self, address: &str, reply: &str) {
        self.state.recipients.lock().unwrap().insert(address.to_lowercase(), reply.to_string());
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        *self.state.connections.lock().unwrap()
    }

    /// The messages taken so far, in the order they came: `from`, `to`,
    /// `subject`, `date`, `message_id`, `content_type`, `content_language`
    /// (headers, decoded), `mail_from` and `rcpt_to` (the envelope),
    /// `text` and `html` (the decoded parts), `raw`.
    pub fn messages(&self) -> Vec<Value> {
        self.state.messages.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages came (woken by each arrival, no
    /// polling); fails the test after `within`.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Value> {
        let mut rx = self.arrived.subscribe();
        let reached = tokio::time::timeout(within, rx.wait_for(|&count| count >= n)).await;
        let got = self.messages();
        assert!(reached.is_ok(), "{} of {n} messages arrived within {within:?}", got.len());
        got
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn session(stream: TcpStream, state: Arc<State>, arrived: watch::Sender<usize>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let behaviour = || state.behaviour.lock().unwrap().clone().unwrap_or(Behaviour::Accept);
    if behaviour() == Behaviour::NeverGreet {
        // Holds the connection open, reading nothing, until the client or
        // the test gives up.
        std::future::pending::<()>().await;
    }
    let say = |reply: String| {
        let mut out = reply.into_bytes();
        out.extend_from_slice(b"\r\n");
        out
    };
    if write.write_all(&say("220 sink.test ESMTP ready".into())).await.is_err() {
        return;
    }
    let (mut mail_from, mut rcpt_to) = (None::<String>, Vec::<String>::new());
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end_matches(['\r', '\n']);
        let verb = command.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => "250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8".to_string(),
            "HELO" => "250 sink.test".to_string(),
            "MAIL" => {
                mail_from = Some(address(command));
                rcpt_to.clear();
                "250 2.1.0 OK".to_string()
            }
            "RCPT" if mail_from.is_none() => "503 5.5.1 MAIL first".to_string(),
            "RCPT" => {
                let to = address(command);
                let configured = state.recipients.lock().unwrap().get(&to.to_lowercase()).cloned();
                match configured {
                    Some(reply) if !reply.starts_with('2') => reply,
                    reply => {
                        rcpt_to.push(to);
                        reply.unwrap_or_else(|| "250 2.1.5 OK".to_string())
                    }
                }
            }
            "DATA" if rcpt_to.is_empty() => "554 5.5.1 No valid recipients".to_string(),
            "DATA" => {
                if write.write_all(&say("354 End data with <CR><LF>.<CR><LF>".into())).await.is_err() {
                    return;
                }
                let mut raw = Vec::new();
                loop {
                    let mut l = Vec::new();
                    match lines.read_until(b'\n', &mut l).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if l == b".\r\n" || l == b".\n" {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 4.5.2).
                    raw.extend_from_slice(if l.starts_with(b"..") { &l[1..] } else { &l });
                }
                let reply = match behaviour() {
                    Behaviour::AnswerData(reply) => reply,
                    _ => {
                        let stored = parse(&raw, mail_from.as_deref().unwrap_or(""), &rcpt_to);
                        let count = {
                            let mut m = state.messages.lock().unwrap();
                            m.push(stored);
                            m.len()
                        };
                        arrived.send_replace(count);
                        "250 2.0.0 OK stored".to_string()
                    }
                };
                mail_from = None;
                rcpt_to.clear();
                reply
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                "250 2.0.0 OK".to_string()
            }
            "NOOP" => "250 2.0.0 OK".to_string(),
            "QUIT" => {
                let _ = write.write_all(&say("221 2.0.0 Bye".into())).await;
                return;
            }
            _ => "502 5.5.2 Command not recognised".to_string(),
        };
        if write.write_all(&say(reply)).await.is_err() {
            return;
        }
    }
}

/// The address of `MAIL FROM:<a>` / `RCPT TO:<a>`.
fn address(command: &str) -> String {
    let start = command.find('<').map(|i| i + 1).unwrap_or(0);
    let end = command[start..].find('>').map(|i| start + i).unwrap_or(command.len());
    command[start..end].to_string()
}

fn parse(raw: &[u8], mail_from: &str, rcpt_to: &[String]) -> Value {
    let message = mail_parser::MessageParser::default().parse(raw);
    let header = |name: &str| {
        message.as_ref().and_then(|m| m.header_raw(name)).map(|v| v.trim().to_string()).unwrap_or_default()
    };
    let decoded_address = |name: &str| {
        message
            .as_ref()
            .and_then(|m| match name {
                "From" => m.from(),
                _ => m.to(),
            })
            .and_then(|a| a.first())
            .map(|a| match (a.name(), a.address()) {
                (Some(n), Some(e)) => format!("{n} <{e}>"),
                (None, Some(e)) => e.to_string(),
                _ => String::new(),
            })
            .unwrap_or_default()
    };
    let content_type = message
        .as_ref()
        .and_then(|m| m.content_type())
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
        .unwrap_or_default();
    json!({
        "mail_from": mail_from,
        "rcpt_to": rcpt_to,
        "from": decoded_address("From"),
        "to": decoded_address("To"),
        "subject": message.as_ref().and_then(|m| m.subject()).unwrap_or(""),
        "date": header("Date"),
        "message_id": header("Message-ID"),
        "content_type": content_type,
        "content_language": header("Content-Language"),
        "text": message.as_ref().and_then(|m| m.body_text(0)).map(|t| t.into_owned()),
        "html": message.as_ref().and_then(|m| m.body_html(0)).map(|t| t.into_owned()),
        "raw": String::from_utf8_lossy(raw),
    })
}
