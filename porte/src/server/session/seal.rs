//! The session token: `{provider, tokens, ID-token claims, user, lifetime}` sealed with
//! AES-256-GCM under a key derived by HKDF-SHA256 from `PORTE_SECRET_KEY`.
//!
//! Format: `p2.<kid>.<base64url(nonce ‖ ciphertext)>`, the session in the compact wire
//! (postcard). Tokens sealed before it, `p1.…` with the session in JSON, still open: an upgrade
//! signs nobody out, and the next restore reseals them as `p2`. (A server of the older version
//! opens only `p1`: during a rolling upgrade, a browser sent from a new instance to an old one
//! finds its session ended.) postcard is positional: a change to what `SessionData` holds needs
//! the next version, and `the_compact_layout_is_pinned` fails until it has one.
//!
//! The associated data is `<version>.<kid>` and the
//! browser's binding secret ([`BrowserBinding`]), so neither the header can be swapped nor the
//! token opened without the cookie of the browser it was issued to. The key id lets several
//! keys coexist: the current one seals, the previous and next ones open too (rotation without
//! logging anyone out).
//!
//! A logout the revocation store could not record leaves a receipt, `r1.<kid>.<…>`: the ended
//! session's id and expiry, sealed without a binding (it opens nothing, it only lets the browser
//! ask again for the revocation); the version in the associated data keeps the two apart.

use crate::server::config::AppSecret;
use crate::server::oauth::token::TokenSet;
use crate::server::session::binding::BrowserBinding;
use crate::shared::compact;
use crate::{ProviderId, SealedToken, UserProfile};
use aes_gcm::aead::{Aead, AeadCore, AeadInPlace, KeyInit, OsRng, Payload};
use aes_gcm::Aes256Gcm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What sessions are sealed as: the compact wire.
const VERSION: &str = "p2";
/// Sessions sealed as JSON, before `p2`: opened, never sealed.
const VERSION_JSON: &str = "p1";
/// The version of logout receipts.
const RECEIPT: &str = "r1";
/// Sealed tokens longer than this are refused before any work (Porte seals at most
/// [`SESSION_BUDGET`]).
pub const MAX_SEALED_LEN: usize = 32 * 1024;
/// The longest session token Porte seals: a sign-in that would need more fails with
/// `session_too_large` rather than being dropped later. It travels in a request header, so it
/// must fit the proxies in front of the app (nginx: `large_client_header_buffers 4 16k` or more
/// for users signed in with two providers at once; the guide's Deployment section).
pub const SESSION_BUDGET: usize = 12 * 1024;
// Whatever is sealed can be opened.
const _: () = assert!(SESSION_BUDGET < MAX_SEALED_LEN);

/// What a session token holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SessionData {
    /// The provider.
    pub provider: ProviderId,
    /// The tokens (refresh token included).
    pub token: TokenSet,
    /// The validated ID token's claims.
    pub id_token_claims: Option<crate::JsonObject>,
    /// The user, when fetched.
    pub user: Option<UserProfile>,
    /// Its id, sign-in time and expiries.
    pub lifetime: crate::server::session::lifetime::Lifetime,
    /// When the user's groups were last read from the provider (Unix seconds); `None` when they
    /// never were (groups off) or the session predates this field.
    #[serde(default)]
    pub groups_read_at: Option<u64>,
}

/// What a logout receipt holds: the session to revoke, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Receipt {
    pub session_id: String,
    pub expires_at: u64,
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
#[derive(Clone)]
pub(crate) struct Sealer {
    /// `(kid, cipher)`, newest first.
    keys: Vec<(String, Aes256Gcm)>,
}

impl Sealer {
    /// Keys from the app secret and the others that still open (previous and next ones;
    /// HKDF-SHA256), or a random key for this process when there is no secret (development).
    pub fn new(current: Option<&AppSecret>, others: &[AppSecret]) -> Self {
        let random = current.is_none().then(|| Aes256Gcm::generate_key(OsRng));
        let derived = current.into_iter().chain(others).map(|s| {
            let mut key = [0u8; 32];
            hkdf::Hkdf::<Sha256>::new(Some(b"porte-session"), s.expose())
                .expand(b"porte session token v1", &mut key)
                .expect("32 bytes is a valid HKDF-SHA256 output length");
            key
        });
        let keys = random
            .map(<[u8; 32]>::from)
            .into_iter()
            .chain(derived)
            .map(|key| {
                let kid = hex::encode(&Sha256::digest(key)[..4]);
                (kid, Aes256Gcm::new(&key.into()))
            })
            .collect();
        Self { keys }
    }

    /// Seals a session for one browser. postcard rather than JSON: a fifth of the bytes
    /// fewer to encrypt, encode, send and store (the ID token's claims and the profile are
    /// JSON texts, which JSON escapes again), and a quarter of the instructions of a login's
    /// seal.
    pub fn seal(&self, data: &SessionData, browser: &BrowserBinding) -> SealedToken {
        self.seal_as(VERSION, &compact::to_bytes(data), browser.as_bytes())
    }

    /// Opens a session token, with the binding of the browser that sent it.
    pub fn open(
        &self,
        sealed: &SealedToken,
        browser: &BrowserBinding,
    ) -> Result<SessionData, SealError> {
        if sealed.as_str().starts_with(VERSION_JSON) {
            let plain = self.open_bytes(sealed, browser)?;
            return serde_json::from_slice(&plain).map_err(|_| SealError::Malformed);
        }
        let plain = self.open_as(VERSION, sealed, browser.as_bytes())?;
        compact::from_bytes(&plain).ok_or(SealError::Malformed)
    }

    /// Seals a logout receipt (no binding: it must survive the browser's next rebinding).
    pub fn seal_receipt(&self, receipt: &Receipt) -> SealedToken {
        let plain = serde_json::to_vec(receipt).unwrap_or_default();
        self.seal_as(RECEIPT, &plain, b"")
    }

    /// Opens a logout receipt.
    pub fn open_receipt(&self, sealed: &SealedToken) -> Result<Receipt, SealError> {
        let plain = self.open_as(RECEIPT, sealed, b"")?;
        serde_json::from_slice(&plain).map_err(|_| SealError::Malformed)
    }

    /// Seals raw bytes with the newest key, as a `p1` token (the JSON sessions' version), as
    /// servers before `p2` did.
    #[cfg(test)]
    pub fn seal_bytes(&self, plain: &[u8], browser: &BrowserBinding) -> SealedToken {
        self.seal_as(VERSION_JSON, plain, browser.as_bytes())
    }

    /// Opens the raw bytes of a `p1` token with whichever configured key sealed them.
    pub fn open_bytes(
        &self,
        sealed: &SealedToken,
        browser: &BrowserBinding,
    ) -> Result<Vec<u8>, SealError> {
        self.open_as(VERSION_JSON, sealed, browser.as_bytes())
    }

    fn seal_as(&self, version: &str, plain: &[u8], browser: &[u8]) -> SealedToken {
        let (kid, cipher) = &self.keys[0];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = [version.as_bytes(), b".", kid.as_bytes(), b"|", browser].concat();
        // nonce ‖ ciphertext ‖ tag, encrypted where it lies, then encoded after the header:
        // no intermediate copies (a login seals some 1.3 KB).
        let mut body = Vec::with_capacity(12 + plain.len() + 16);
        body.extend_from_slice(&nonce);
        body.extend_from_slice(plain);
        let tag = cipher
            .encrypt_in_place_detached(&nonce, &aad, &mut body[12..])
            .expect("AES-GCM encryption of an in-memory buffer does not fail");
        body.extend_from_slice(&tag);
        let mut token =
            String::with_capacity(version.len() + kid.len() + 2 + body.len() * 4 / 3 + 3);
        for part in [version, ".", kid, "."] {
            token.push_str(part);
        }
        URL_SAFE_NO_PAD.encode_string(&body, &mut token);
        SealedToken::new(token)
    }

    fn open_as(
        &self,
        version: &str,
        sealed: &SealedToken,
        browser: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        let raw = sealed.as_str();
        if raw.len() > MAX_SEALED_LEN {
            return Err(SealError::Malformed);
        }
        let mut parts = raw.splitn(3, '.');
        let (Some(v), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SealError::Malformed);
        };
        if v != version {
            return Err(SealError::Malformed);
        }
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(k, _)| k == kid)
            .ok_or(SealError::UnknownKey)?;
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Malformed)?;
        if body.len() < 12 + 16 {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = body.split_at(12);
        let aad = [format!("{version}.{kid}").as_bytes(), b"|", browser].concat();
        cipher
            .decrypt(
                nonce.into(),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Tampered)
    }
}

/// The token facts the browser may see (everything but the refresh token).
impl From<&SessionData> for crate::TokenInfo {
    fn from(data: &SessionData) -> Self {
        let t = &data.token;
        Self {
            access_token: t.access_token.clone(),
            token_type: t.token_type.clone(),
            scope: t.scope.clone(),
            expires_in: t.expires_in,
            expires_at: t.expires_at,
            has_refresh_token: t.refresh_token.is_some(),
            id_token_claims: data.id_token_claims.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(c: char) -> AppSecret {
        crate::server::porte::Config::from_vars([(
            "APP_SECRET_KEY".to_string(),
            c.to_string().repeat(40),
        )])
        .unwrap()
        .secret
        .unwrap()
    }

    /// A session with every field set.
    fn session() -> SessionData {
        let local = ProviderId::parse("local").unwrap();
        let mut user = UserProfile::new(local.clone(), "user-alice");
        user.name = Some("Alice".into());
        user.groups = vec![crate::Group::new("admins", Some("Admins".into()))];
        SessionData {
            provider: local,
            token: TokenSet {
                access_token: crate::AccessToken::new("at"),
                token_type: "Bearer".into(),
                scope: vec!["openid".into()],
                expires_in: Some(3600),
                expires_at: Some(1_800_000_000),
                refresh_token: Some(crate::server::secret::Secret::new("rt")),
                id_token: Some(crate::server::secret::Secret::new("h.p.s")),
            },
            id_token_claims: Some(serde_json::from_str(r#"{"sub":"user-alice"}"#).unwrap()),
            user: Some(user),
            lifetime: crate::server::session::lifetime::Lifetime {
                session_id: "5e55".into(),
                signed_in_at: 1_799_990_000,
                expires_at: 1_800_600_000,
                idle_until: 1_800_100_000,
                last_used_at: Some(1_799_999_000),
            },
            groups_read_at: Some(1_799_990_001),
        }
    }

    #[test]
    fn sessions_seal_compact_and_json_sessions_sealed_before_still_open() {
        let (sealer, browser) = (Sealer::new(None, &[]), BrowserBinding::generate());
        let sealed = sealer.seal(&session(), &browser);
        assert!(sealed.as_str().starts_with("p2."), "{sealed:?}");
        assert_eq!(sealer.open(&sealed, &browser), Ok(session()));
        let before = sealer.seal_bytes(&serde_json::to_vec(&session()).unwrap(), &browser);
        assert!(before.as_str().starts_with("p1."));
        assert_eq!(sealer.open(&before, &browser), Ok(session()));
        // Relabelled, either way, the associated data differs: neither opens.
        for (from, to, token) in [("p2.", "p1.", &sealed), ("p1.", "p2.", &before)] {
            let relabelled = SealedToken::new(token.as_str().replacen(from, to, 1));
            assert_eq!(sealer.open(&relabelled, &browser), Err(SealError::Tampered));
        }
        assert_eq!(
            sealer.open(&sealed, &BrowserBinding::generate()),
            Err(SealError::Tampered)
        );
    }

    /// postcard is positional: tokens sealed today must read the same tomorrow. When this fails,
    /// `SessionData` (or a type in it) changed shape: seal the new shape under the next
    /// version and keep opening `p2`, then update the bytes here.
    #[test]
    fn the_compact_layout_is_pinned() {
        assert_eq!(
            hex::encode(compact::to_bytes(&session())),
            "056c6f63616c0261740642656172657201066f70656e696401901c0180a4a7da06010272740105682e70\
             2e7301147b22737562223a22757365722d616c696365227d01056c6f63616c0a757365722d616c6963\
             650105416c69636500000000010661646d696e73010641646d696e73027b7d0435653535f0d5a6da06\
             c0f3cbda06a0b1adda0601989ca7da0601f1d5a6da06"
        );
    }

    #[test]
    fn a_seal_opens_only_with_its_key_and_browser() {
        let (sealer, browser) = (Sealer::new(None, &[]), BrowserBinding::generate());
        let sealed = sealer.seal_bytes(b"hello", &browser);
        assert!(sealed.as_str().starts_with("p1."));
        assert_eq!(sealer.open_bytes(&sealed, &browser).unwrap(), b"hello");
        assert!(sealer
            .open_bytes(&sealed, &BrowserBinding::generate())
            .is_err());
        assert!(Sealer::new(None, &[])
            .open_bytes(&sealed, &browser)
            .is_err());
    }

    #[test]
    fn tampering_foreign_keys_and_foreign_browsers_are_refused() {
        let (sealer, browser) = (Sealer::new(None, &[]), BrowserBinding::generate());
        let sealed = sealer.seal_bytes(b"secret refresh token", &browser);
        assert!(!sealed.as_str().contains("secret"));
        let mut flipped = sealed.as_str().to_owned();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        let open = |s: &str| sealer.open_bytes(&SealedToken::new(s), &browser);
        assert_eq!(open(&flipped), Err(SealError::Tampered));
        let stolen = sealer.open_bytes(&sealed, &BrowserBinding::generate());
        assert_eq!(
            stolen,
            Err(SealError::Tampered),
            "useless without the browser's cookie"
        );
        let other = Sealer::new(None, &[]);
        assert_eq!(
            other.open_bytes(&sealed, &browser),
            Err(SealError::UnknownKey)
        );
        for junk in ["", "p1", "p1.x", "p2.a.b", "p1.a.%%%"] {
            assert!(open(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn a_receipt_is_not_a_session_and_a_session_is_not_a_receipt() {
        let (sealer, browser) = (Sealer::new(None, &[]), BrowserBinding::generate());
        let receipt = Receipt {
            session_id: "s1".into(),
            expires_at: 99,
        };
        let r = sealer.seal_receipt(&receipt);
        assert!(r.as_str().starts_with("r1."));
        assert_eq!(sealer.open_receipt(&r), Ok(receipt));
        assert_eq!(sealer.open_bytes(&r, &browser), Err(SealError::Malformed));
        // Relabelled as a session, the associated data differs: it does not open.
        let relabelled = SealedToken::new(r.as_str().replacen("r1.", "p1.", 1));
        assert_eq!(
            sealer.open_bytes(&relabelled, &browser),
            Err(SealError::Tampered)
        );
        let session = sealer.seal_bytes(b"{}", &browser);
        assert!(sealer.open_receipt(&session).is_err());
    }

    #[test]
    fn rotation_keeps_old_tokens_open_and_seals_with_the_newest_key() {
        let browser = BrowserBinding::generate();
        let (old, new) = (secret('o'), secret('n'));
        let before = Sealer::new(Some(&old), &[]).seal_bytes(b"x", &browser);
        let rotated = Sealer::new(Some(&new), std::slice::from_ref(&old));
        assert_eq!(rotated.open_bytes(&before, &browser).unwrap(), b"x");
        let after = rotated.seal_bytes(b"y", &browser);
        assert_ne!(after.as_str()[..11], before.as_str()[..11], "a new key id");
        let same = Sealer::new(Some(&new), &[]);
        assert_eq!(
            same.open_bytes(&after, &browser).unwrap(),
            b"y",
            "every instance agrees"
        );
        assert_eq!(
            same.open_bytes(&before, &browser),
            Err(SealError::UnknownKey)
        );
    }
}
