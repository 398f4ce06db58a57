//! R52: TXT lookups of domain proofs with `hickory-resolver`, through the
//! DNS server of `CAM_DNS_RESOLVER` (UDP, TCP when truncated) or the
//! system's resolvers. Nothing is cached: a partner who has just published
//! the record is answered from the DNS, not from a minute-old "no record".
//! A name or record that does not exist (NXDOMAIN, no data) is an empty
//! answer; a timeout, SERVFAIL or a refused query is an error, which never
//! counts as the record missing.

use std::net::SocketAddr;
use std::time::Duration;

use async_trait::async_trait;
use cam_domain::account::proof::{DnsError, DnsTxtLookup};
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError as HickoryDnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};

/// Longest one query waits for its answer.
const QUERY_TIMEOUT: Duration = Duration::from_secs(2);

pub struct HickoryTxtLookup {
    resolver: TokioResolver,
}

impl HickoryTxtLookup {
    /// A resolver asking `server`, or the system's resolvers when `None`.
    /// Errors: the system's configuration cannot be read.
    pub fn new(server: Option<SocketAddr>) -> Result<Self, String> {
        let mut builder = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                Resolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![ns]),
                    TokioRuntimeProvider::default(),
                )
            }
            None => TokioResolver::builder_tokio()
                .map_err(|e| format!("cannot read the system's DNS configuration: {e}"))?,
        };
        let opts = builder.options_mut();
        opts.timeout = QUERY_TIMEOUT;
        opts.attempts = 2;
        opts.cache_size = 0;
        opts.positive_max_ttl = Some(Duration::ZERO);
        opts.negative_max_ttl = Some(Duration::ZERO);
        let resolver = builder.build().map_err(|e| format!("cannot build the DNS resolver: {e}"))?;
        Ok(Self { resolver })
    }
}

#[async_trait]
impl DnsTxtLookup for HickoryTxtLookup {
    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        // Fully qualified: no search domain is tried.
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        match self.resolver.txt_lookup(fqdn.as_str()).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::TXT(txt) => {
                        Some(txt.txt_data.iter().map(|s| String::from_utf8_lossy(s)).collect::<String>())
                    }
                    _ => None,
                })
                .collect()),
            Err(NetError::Dns(HickoryDnsError::NoRecordsFound(none)))
                if matches!(none.response_code, ResponseCode::NXDomain | ResponseCode::NoError) =>
            {
                Ok(Vec::new())
            }
            Err(e) => Err(DnsError(e.to_string())),
        }
    }
}
