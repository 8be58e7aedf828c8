//! The browser binding: a random secret in an HttpOnly cookie (`__Host-porte_bind` on https),
//! set when a login completes. Session tokens are sealed with it as associated data, so a token
//! copied out of local storage (by a script, an extension, a backup) is useless in any other
//! browser: the server opens it only when the same browser sends the cookie with it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cookie::{Cookie, SameSite};
use rand::RngCore;

/// The cookie's name on http origins (the `__Host-` prefix needs `Secure`).
pub const BINDING_COOKIE: &str = "porte_bind";
/// About the longest lifetime browsers keep (400 days), so "remember me" lasts.
const MAX_AGE_DAYS: i64 = 400;

/// One browser's binding secret.
#[derive(Clone, PartialEq, Eq)]
pub struct BrowserBinding(String);

impl std::fmt::Debug for BrowserBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BrowserBinding(**redacted**)")
    }
}

impl BrowserBinding {
    /// 32 random bytes.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The binding in a `Cookie` request header, if it is well formed.
    pub fn from_cookie_header(header: Option<&str>, secure: bool) -> Option<Self> {
        let name = name(secure);
        let value = crate::server::cookie_header::named(header?, &name)
            .next()?
            .value()
            .to_owned();
        let well_formed = URL_SAFE_NO_PAD.decode(&value).is_ok_and(|b| b.len() == 32);
        well_formed.then_some(Self(value))
    }

    /// The `Set-Cookie` that stores it.
    pub fn cookie(&self, secure: bool) -> Cookie<'static> {
        let mut c = Cookie::new(name(secure), self.0.clone());
        c.set_http_only(true);
        c.set_secure(secure);
        c.set_same_site(SameSite::Lax);
        c.set_path("/");
        c.set_max_age(cookie::time::Duration::days(MAX_AGE_DAYS));
        c
    }

    /// The value, as associated data of a seal.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// A digest of the binding, kept in a login's flow cookie: the login completes only in the
    /// browser that sends the same binding back.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }
}

fn name(secure: bool) -> String {
    if secure {
        format!("__Host-{BINDING_COOKIE}")
    } else {
        BINDING_COOKIE.to_owned()
    }
}

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn the_binding_cookie_is_httponly_and_reads_back_only_when_well_formed() {
        use crate::server::session::binding::BrowserBinding;
        let b = BrowserBinding::generate();
        let set_cookie = b.cookie(false).encoded().to_string();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("Path=/"));
        let header = b.cookie(false).encoded().stripped().to_string();
        assert_eq!(
            BrowserBinding::from_cookie_header(Some(&header), false),
            Some(b)
        );
        assert_eq!(
            BrowserBinding::from_cookie_header(Some("porte_bind=short"), false),
            None
        );
    }
}
