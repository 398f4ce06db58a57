//! A real DNS server (R52) on a loopback UDP port, built on
//! `hickory-server`, whose TXT records the test changes between steps: a
//! name it does not know is NXDOMAIN, and it can answer every query with
//! SERVFAIL.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use hickory_server::proto::op::{Metadata, ResponseCode};
use hickory_server::proto::rr::rdata::TXT;
use hickory_server::proto::rr::{Name, RData, Record};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use hickory_server::Server;

#[derive(Default)]
struct Zone {
    /// TXT values by lower-case name without the final dot.
    txt: HashMap<String, Vec<String>>,
    servfail: bool,
    queries: usize,
}

#[derive(Clone)]
struct Handler(Arc<Mutex<Zone>>);

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: hickory_server::net::runtime::Time>(
        &self,
        request: &Request,
        mut response: R,
    ) -> ResponseInfo {
        let builder = MessageResponseBuilder::from_message_request(request);
        let name = request
            .request_info()
            .map(|i| i.query.name().to_string().trim_end_matches('.').to_lowercase())
            .unwrap_or_default();
        let (servfail, values) = {
            let mut z = self.0.lock().unwrap();
            z.queries += 1;
            (z.servfail, z.txt.get(&name).cloned())
        };
        let sent = match (servfail, values) {
            (true, _) => response.send_response(builder.error_msg(&request.metadata, ResponseCode::ServFail)).await,
            (false, None) => response.send_response(builder.error_msg(&request.metadata, ResponseCode::NXDomain)).await,
            (false, Some(values)) => {
                let owner = Name::from_str(&format!("{name}.")).unwrap();
                let records: Vec<Record> = values
                    .into_iter()
                    .map(|v| Record::from_rdata(owner.clone(), 60, RData::TXT(TXT::new(vec![v]))))
                    .collect();
                let mut metadata = Metadata::response_from_request(&request.metadata);
                metadata.authoritative = true;
                response.send_response(builder.build(metadata, records.iter(), [], [], [])).await
            }
        };
        sent.expect("send the DNS answer")
    }
}

/// A running DNS server; stops when dropped.
pub struct TestDns {
    /// Where it listens (UDP), for `CAM_DNS_RESOLVER`.
    pub addr: SocketAddr,
    zone: Arc<Mutex<Zone>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestDns {
    pub async fn start() -> Self {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.expect("bind the DNS server");
        let addr = socket.local_addr().expect("its address");
        let zone = Arc::new(Mutex::new(Zone::default()));
        let mut server = Server::new(Handler(zone.clone()));
        server.register_socket(socket);
        let task = tokio::spawn(async move {
            let _ = server.block_until_done().await;
        });
        Self { addr, zone, task }
    }

    /// Publishes exactly these TXT values at `name`.
    pub fn set_txt(&self, name: &str, values: &[&str]) {
        let mut z = self.zone.lock().unwrap();
        z.txt.insert(name.to_lowercase(), values.iter().map(|v| v.to_string()).collect());
    }

    /// Removes `name` (NXDOMAIN from now on).
    pub fn remove(&self, name: &str) {
        self.zone.lock().unwrap().txt.remove(&name.to_lowercase());
    }

    /// Answers every query with SERVFAIL (or normally again).
    pub fn set_servfail(&self, on: bool) {
        self.zone.lock().unwrap().servfail = on;
    }

    /// How many queries it answered.
    pub fn queries(&self) -> usize {
        self.zone.lock().unwrap().queries
    }
}
