//! A sub-agent's device identity (facts "Reproducing a sub-agent's connection"): an ephemeral
//! Ed25519 key pair; `device.id` = hex SHA-256 of the raw public key; the signature covers
//! `v3|id|client|mode|role|scopes|signedAt|token|nonce|platform|family`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct DeviceIdentity {
    key: SigningKey,
}

impl DeviceIdentity {
    pub fn generate() -> DeviceIdentity {
        let mut seed = [0u8; 32];
        // The OS RNG only fails on a broken system; a fixed fallback still yields a valid
        // (if predictable) throwaway identity, which is all a probe needs.
        if getrandom::fill(&mut seed).is_err() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            seed[..16].copy_from_slice(&now.to_le_bytes());
        }
        DeviceIdentity {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// A persistent identity from a 32-byte seed (tests and tools that must reconnect as the
    /// same device).
    pub fn from_seed(seed: [u8; 32]) -> DeviceIdentity {
        DeviceIdentity {
            key: SigningKey::from_bytes(&seed),
        }
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    pub fn device_id(&self) -> String {
        Sha256::digest(self.public_key())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The payload a v3 device signature covers.
    #[allow(clippy::too_many_arguments)]
    pub fn payload(
        &self,
        client_id: &str,
        mode: &str,
        role: &str,
        scopes: &[&str],
        signed_at: u128,
        token: &str,
        nonce: &str,
        platform: &str,
        family: &str,
    ) -> String {
        format!(
            "v3|{}|{client_id}|{mode}|{role}|{}|{signed_at}|{token}|{nonce}|{}|{}",
            self.device_id(),
            scopes.join(","),
            platform.trim().to_lowercase(),
            family.trim().to_lowercase()
        )
    }

    /// The `device` object of a connect request.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_connect(
        &self,
        client_id: &str,
        mode: &str,
        role: &str,
        scopes: &[&str],
        token: &str,
        nonce: &str,
        platform: &str,
        family: &str,
    ) -> Value {
        let signed_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let payload = self.payload(
            client_id, mode, role, scopes, signed_at, token, nonce, platform, family,
        );
        let signature = self.key.sign(payload.as_bytes());
        json!({
            "id": self.device_id(),
            "publicKey": URL_SAFE_NO_PAD.encode(self.public_key()),
            "signature": URL_SAFE_NO_PAD.encode(signature.to_bytes()),
            "signedAt": signed_at as u64,
            "nonce": nonce,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    #[test]
    fn signature_verifies_over_the_v3_payload() {
        let id = DeviceIdentity::generate();
        let device = id.sign_connect(
            "gateway-client",
            "backend",
            "operator",
            &["operator.admin"],
            "tok",
            "n-1",
            "Linux ",
            "",
        );
        assert_eq!(device["id"].as_str().unwrap().len(), 64);
        let public = URL_SAFE_NO_PAD
            .decode(device["publicKey"].as_str().unwrap())
            .unwrap();
        let key = VerifyingKey::from_bytes(&public.try_into().unwrap()).unwrap();
        let sig = URL_SAFE_NO_PAD
            .decode(device["signature"].as_str().unwrap())
            .unwrap();
        let sig = Signature::from_bytes(&sig.try_into().unwrap());
        let payload = format!(
            "v3|{}|gateway-client|backend|operator|operator.admin|{}|tok|n-1|linux|",
            device["id"].as_str().unwrap(),
            device["signedAt"]
        );
        key.verify(payload.as_bytes(), &sig).unwrap();
    }
}
