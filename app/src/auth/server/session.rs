//! The session token: `{provider, tokens, ID-token claims, user, issued_at}` sealed with
//! AES-256-GCM under a key derived by HKDF-SHA256 from `APP_SECRET_KEY`.
//!
//! Format: `p1.<kid>.<base64url(nonce ‖ ciphertext)>`; `p1.<kid>` is authenticated as associated
//! data, so the version and key id cannot be swapped. The key id lets several keys coexist.

use super::token::TokenSet;
use super::AppSecret;
use crate::auth::{ProviderId, SealedToken, UserProfile};
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::Aes256Gcm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

const VERSION: &str = "p1";
/// Sealed tokens longer than this are refused before any work (they are a few KB at most).
pub const MAX_SEALED_LEN: usize = 32 * 1024;

/// What a session token holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionData {
    /// The provider.
    pub provider: ProviderId,
    /// The tokens (refresh token included).
    pub token: TokenSet,
    /// The validated ID token's claims.
    pub id_token_claims: Option<Map<String, Value>>,
    /// The user, when fetched.
    pub user: Option<UserProfile>,
    /// Unix time of the sign-in.
    pub issued_at: u64,
}

/// A session token could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Not of our format, or too long.
    #[error("not a session token")]
    Malformed,
    /// Sealed under a key this server does not have.
    #[error("sealed under an unknown key")]
    UnknownKey,
    /// Decryption failed (tampered with).
    #[error("the session token was altered or is not ours")]
    Tampered,
}

/// Seals and opens session tokens.
///
/// ```
/// use app::auth::server::session::Sealer;
/// let sealer = Sealer::new(None);
/// let sealed = sealer.seal_bytes(b"hello");
/// assert!(sealed.as_str().starts_with("p1."));
/// assert_eq!(sealer.open_bytes(&sealed).unwrap(), b"hello");
/// assert!(Sealer::new(None).open_bytes(&sealed).is_err(), "another key cannot open it");
/// ```
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    kid: String,
}

impl Sealer {
    /// The key from the app secret (HKDF-SHA256), or a random key for this process.
    pub fn new(secret: Option<&AppSecret>) -> Self {
        let mut key = [0u8; 32];
        match secret {
            Some(s) => hkdf::Hkdf::<Sha256>::new(Some(b"porte-session"), s.expose())
                .expand(b"porte session token v1", &mut key)
                .expect("32 bytes is a valid HKDF-SHA256 output length"),
            None => key = Aes256Gcm::generate_key(OsRng).into(),
        }
        let kid = Sha256::digest(key)[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self {
            cipher: Aes256Gcm::new(&key.into()),
            kid,
        }
    }

    /// Seals a session.
    pub fn seal(&self, data: &SessionData) -> SealedToken {
        self.seal_bytes(&serde_json::to_vec(data).unwrap_or_default())
    }

    /// Opens a session token.
    pub fn open(&self, sealed: &SealedToken) -> Result<SessionData, SealError> {
        let plain = self.open_bytes(sealed)?;
        serde_json::from_slice(&plain).map_err(|_| SealError::Malformed)
    }

    /// Seals raw bytes.
    pub fn seal_bytes(&self, plain: &[u8]) -> SealedToken {
        let header = format!("{VERSION}.{}", self.kid);
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: header.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer does not fail");
        let mut body = nonce.to_vec();
        body.extend(sealed);
        SealedToken::new(format!("{header}.{}", URL_SAFE_NO_PAD.encode(body)))
    }

    /// Opens raw bytes.
    pub fn open_bytes(&self, sealed: &SealedToken) -> Result<Vec<u8>, SealError> {
        let raw = sealed.as_str();
        if raw.len() > MAX_SEALED_LEN {
            return Err(SealError::Malformed);
        }
        let mut parts = raw.splitn(3, '.');
        let (Some(VERSION), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(SealError::Malformed);
        };
        if kid != self.kid {
            return Err(SealError::UnknownKey);
        }
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Malformed)?;
        if body.len() < 12 + 16 {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = body.split_at(12);
        let header = format!("{VERSION}.{kid}");
        self.cipher
            .decrypt(
                nonce.into(),
                Payload {
                    msg: ciphertext,
                    aad: header.as_bytes(),
                },
            )
            .map_err(|_| SealError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_and_foreign_keys_are_refused() {
        let sealer = Sealer::new(None);
        let sealed = sealer.seal_bytes(b"secret refresh token");
        assert!(!sealed.as_str().contains("secret"));
        let mut flipped = sealed.as_str().to_owned();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            sealer.open_bytes(&SealedToken::new(flipped)),
            Err(SealError::Tampered)
        );
        let other = Sealer::new(None);
        assert_eq!(other.open_bytes(&sealed), Err(SealError::UnknownKey));
        for junk in ["", "p1", "p1.x", "p2.a.b", "p1.a.%%%"] {
            assert!(
                sealer.open_bytes(&SealedToken::new(junk)).is_err(),
                "{junk}"
            );
        }
    }

    #[test]
    fn the_same_secret_gives_the_same_key_on_every_instance() {
        let secret = crate::auth::server::AuthConfig::from_vars([(
            "APP_SECRET_KEY".to_string(),
            "k".repeat(40),
        )])
        .unwrap()
        .secret
        .unwrap();
        let sealed = Sealer::new(Some(&secret)).seal_bytes(b"x");
        assert_eq!(
            Sealer::new(Some(&secret)).open_bytes(&sealed).unwrap(),
            b"x"
        );
    }
}
