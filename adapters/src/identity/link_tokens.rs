//! Access-link tokens (R8): 256 random bits, URL-safe; stored as SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cam_domain::access_link::ports::LinkTokens;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub struct Sha256LinkTokens;

impl LinkTokens for Sha256LinkTokens {
    fn generate(&self) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn hash(&self, token: &str) -> String {
        let digest = Sha256::digest(token.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed_one_way() {
        // R8
        let t = Sha256LinkTokens;
        let (a, b) = (t.generate(), t.generate());
        assert_ne!(a, b);
        assert!(a.len() >= 43, "256 bits in base64url");
        assert_eq!(t.hash(&a), t.hash(&a));
        assert_ne!(t.hash(&a), a);
        assert_eq!(t.hash(&a).len(), 64);
    }
}
