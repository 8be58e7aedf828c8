//! The secrets of a login in progress (`state`, PKCE verifier, `nonce`), kept between the start of
//! the flow and the provider's redirect in an encrypted, HttpOnly, SameSite=Lax cookie.
//!
//! Nothing is held in server memory, so any instance sharing `PORTE_SECRET_KEY` can finish a
//! login; cookies sealed under a previous or next key still open, so a key rotation does not
//! break the logins in flight. One cookie per flow (named after its `state`), so logins in several
//! tabs do not collide; the redirect endpoint deletes it, which makes every `state` single use.
//!
//! A flow belongs to the browser that started it: it carries the fingerprint of that browser's
//! binding cookie, and completes only where the same binding comes back. On https both cookies
//! are `__Host-` cookies (`Secure`, `Path=/`, no `Domain`), which a sibling subdomain cannot set:
//! an attacker cannot plant their own flow in a victim's browser (login CSRF by cookie tossing).

use crate::server::config::AppSecret;
use crate::server::secret::Secret;
use crate::ProviderId;
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::{Deserialize, Serialize};

/// How long a user may take at the provider before the flow expires.
pub const FLOW_TTL_SECS: i64 = 600;
/// On http origins (development), cookies are only sent to the redirect endpoint's folder.
const COOKIE_PATH: &str = "/api/oauth";

/// One login in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    /// The provider the flow was started with.
    pub provider: ProviderId,
    /// The `state` sent in the authorization request.
    pub state: String,
    /// The PKCE code verifier (the challenge went to the provider), when PKCE is used.
    pub pkce_verifier: Option<Secret>,
    /// The `nonce` the ID token must carry (OpenID providers).
    pub nonce: Option<Secret>,
    /// Unix time the flow started.
    pub started_at: i64,
    /// The fingerprint of the binding cookie of the browser that started the flow.
    #[serde(default)]
    pub browser: String,
    /// Fetch the user's profile.
    #[serde(default)]
    pub fetch_user: bool,
    /// Same-tab logins: the checked same-origin path to return to.
    #[serde(default)]
    pub return_to: Option<String>,
    /// A custom completion page body.
    #[serde(default)]
    pub complete_page_html: Option<String>,
}

impl PendingLogin {
    /// A flow with only the protocol values set (tests and examples).
    pub fn new(provider: ProviderId, state: &str) -> Self {
        Self {
            provider,
            state: state.to_owned(),
            pkce_verifier: None,
            nonce: None,
            started_at: unix_now(),
            browser: String::new(),
            fetch_user: true,
            return_to: None,
            complete_page_html: None,
        }
    }
}

/// Seals and opens [`PendingLogin`] cookies.
#[derive(Clone)]
pub struct FlowCookies {
    /// The key that seals, then the keys that still open (previous and next ones).
    keys: Vec<Key>,
    secure: bool,
    path: String,
}

impl FlowCookies {
    /// Derives the keys from the app secrets (HKDF): `current` seals, all of them open; without a
    /// secret, a random key for this process.
    pub fn new(current: Option<&AppSecret>, others: &[AppSecret], secure: bool) -> Self {
        let first = current.map_or_else(Key::generate, |s| Key::derive_from(s.expose()));
        let keys = std::iter::once(first)
            .chain(others.iter().map(|s| Key::derive_from(s.expose())))
            .collect();
        Self {
            keys,
            secure,
            path: COOKIE_PATH.to_owned(),
        }
    }

    /// On http, scopes the cookies to Porte's endpoints at `base_path` (default `/api/oauth`); an
    /// https `__Host-` cookie must have `Path=/`.
    pub fn with_path(mut self, base_path: &str) -> Self {
        self.path = if self.secure { "/" } else { base_path }.to_owned();
        self
    }

    /// The `Set-Cookie` value that stores `flow`.
    pub fn seal(&self, flow: &PendingLogin) -> Cookie<'static> {
        let name = self.name(&flow.state);
        let value = serde_json::to_string(flow).unwrap_or_default();
        let mut jar = CookieJar::new();
        jar.private_mut(&self.keys[0])
            .add(self.attributes(Cookie::new(name.clone(), value)));
        jar.get(&name)
            .cloned()
            .unwrap_or_else(|| Cookie::new(name, ""))
    }

    /// Finds, decrypts and checks the flow cookie for `state` in a `Cookie` request header.
    /// `None` when absent, tampered with, sealed under a key this server does not have, or
    /// expired.
    pub fn open(&self, cookie_header: Option<&str>, state: &str) -> Option<PendingLogin> {
        if !is_token(state) {
            return None;
        }
        let name = self.name(state);
        let mut jar = CookieJar::new();
        for cookie in crate::server::cookie_header::named(cookie_header?, &name) {
            jar.add_original(cookie.into_owned());
        }
        let plain = self
            .keys
            .iter()
            .find_map(|key| jar.private(key).get(&name))?;
        let flow: PendingLogin = serde_json::from_str(plain.value()).ok()?;
        let age = unix_now().saturating_sub(flow.started_at);
        (flow.state == state && (-60..=FLOW_TTL_SECS).contains(&age)).then_some(flow)
    }

    /// The `Set-Cookie` value that deletes the flow cookie for `state`.
    pub fn removal(&self, state: &str) -> Cookie<'static> {
        let mut cookie = self.attributes(Cookie::new(self.name(state), ""));
        cookie.make_removal();
        cookie
    }

    fn name(&self, state: &str) -> String {
        let prefix = if self.secure { "__Host-" } else { "" };
        format!("{prefix}porte_flow_{state}")
    }

    fn attributes(&self, mut cookie: Cookie<'static>) -> Cookie<'static> {
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        cookie.set_path(self.path.clone());
        cookie.set_max_age(cookie::time::Duration::seconds(FLOW_TTL_SECS));
        cookie
    }
}

/// `state` values we issue are URL-safe base64; anything else cannot name a cookie of ours.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The clock as a signed count: a flow may come from an instance whose clock runs a little ahead.
pub(crate) fn unix_now() -> i64 {
    crate::server::clock::now() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(state: &str, started_at: i64) -> PendingLogin {
        PendingLogin {
            pkce_verifier: Some(Secret::new("verifier-123")),
            nonce: Some(Secret::new("nonce-456")),
            started_at,
            ..PendingLogin::new(ProviderId::parse("local").unwrap(), state)
        }
    }

    fn header(c: &Cookie<'_>) -> String {
        c.encoded().stripped().to_string()
    }

    #[test]
    fn the_cookie_is_encrypted_httponly_lax_and_scoped() {
        let cookies = FlowCookies::new(None, &[], false);
        let c = cookies.seal(&flow("abc", unix_now()));
        let set_cookie = c.encoded().to_string();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
        assert!(set_cookie.contains("Path=/api/oauth") && !set_cookie.contains("Secure"));
        assert!(!set_cookie.contains("verifier-123") && !set_cookie.contains("nonce-456"));
    }

    #[test]
    fn https_flows_are_host_cookies_that_a_sibling_subdomain_cannot_plant() {
        let cookies = FlowCookies::new(None, &[], true).with_path("/api/oauth");
        let c = cookies.seal(&flow("abc", unix_now()));
        assert_eq!(c.name(), "__Host-porte_flow_abc");
        assert_eq!(c.secure(), Some(true));
        // `__Host-` requires Path=/ and no Domain: browsers refuse it from anywhere but this host.
        assert_eq!((c.path(), c.domain()), (Some("/"), None));
        let open = cookies.open(Some(&header(&c)), "abc").unwrap();
        assert_eq!(open.nonce, Some(Secret::new("nonce-456")));
        // The same cookie under the name a sibling could set (`__Secure-`, any Domain) is ignored.
        let tossed = header(&c).replacen("__Host-", "__Secure-", 1);
        assert_eq!(cookies.open(Some(&tossed), "abc"), None);
    }

    #[test]
    fn flows_open_under_previous_and_next_keys_so_a_rotation_breaks_no_login() {
        let key =
            |c: char| crate::server::config::app_secret("k", &c.to_string().repeat(32)).unwrap();
        let (old, new) = (key('o'), key('n'));
        let before = FlowCookies::new(Some(&old), &[], false).seal(&flow("abc", unix_now()));
        let rotated = FlowCookies::new(Some(&new), std::slice::from_ref(&old), false);
        assert!(rotated.open(Some(&header(&before)), "abc").is_some());
        let preparing = FlowCookies::new(Some(&old), std::slice::from_ref(&new), false);
        let after = rotated.seal(&flow("xyz", unix_now()));
        assert!(preparing.open(Some(&header(&after)), "xyz").is_some());
        let stranger = FlowCookies::new(Some(&key('s')), &[], false);
        assert_eq!(stranger.open(Some(&header(&after)), "xyz"), None);
    }

    #[test]
    fn a_cookie_from_another_key_or_tampered_does_not_open() {
        let a = FlowCookies::new(None, &[], false);
        let b = FlowCookies::new(None, &[], false);
        let c = a.seal(&flow("abc", unix_now()));
        assert_eq!(b.open(Some(&header(&c)), "abc"), None);
        let mut tampered = header(&c);
        // Change the last character (to one it is not), so the ciphertext always differs.
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(a.open(Some(&tampered), "abc"), None);
    }

    #[test]
    fn the_same_secret_opens_on_another_instance() {
        let secret = crate::server::porte::Config::from_vars([(
            "APP_SECRET_KEY".to_string(),
            "0123456789abcdef0123456789abcdef".to_string(),
        )])
        .unwrap()
        .secret;
        let a = FlowCookies::new(secret.as_ref(), &[], false);
        let b = FlowCookies::new(secret.as_ref(), &[], false);
        let c = a.seal(&flow("abc", unix_now()));
        assert!(b.open(Some(&header(&c)), "abc").is_some());
    }

    #[test]
    fn expired_flows_and_renamed_cookies_are_refused() {
        let cookies = FlowCookies::new(None, &[], false);
        let old = cookies.seal(&flow("abc", unix_now() - FLOW_TTL_SECS - 1));
        assert_eq!(cookies.open(Some(&header(&old)), "abc"), None);
        // A valid cookie for flow "abc" presented under the name of flow "xyz".
        let c = cookies.seal(&flow("abc", unix_now()));
        let renamed = header(&c).replacen("porte_flow_abc", "porte_flow_xyz", 1);
        assert_eq!(cookies.open(Some(&renamed), "xyz"), None);
        assert_eq!(cookies.open(None, "abc"), None);
        assert_eq!(cookies.open(Some(&header(&c)), "a;b"), None);
    }

    #[test]
    fn removal_expires_the_cookie() {
        let cookies = FlowCookies::new(None, &[], false);
        let r = cookies.removal("abc").encoded().to_string();
        assert!(
            r.starts_with("porte_flow_abc=;") && r.contains("Max-Age=0"),
            "{r}"
        );
    }
}

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn a_flow_cookie_is_encrypted_and_opens_only_for_its_state() {
        use crate::server::login::flow_cookie::{FlowCookies, PendingLogin};
        use crate::ProviderId;
        let cookies = FlowCookies::new(None, &[], false);
        let mut flow = PendingLogin::new(ProviderId::parse("local").unwrap(), "s1");
        flow.pkce_verifier = Some(crate::server::secret::Secret::new("verifier"));
        let header = cookies.seal(&flow).encoded().stripped().to_string();
        assert!(!header.contains("verifier"), "sealed cookies are encrypted");
        assert_eq!(cookies.open(Some(&header), "s1"), Some(flow));
        assert_eq!(cookies.open(Some(&header), "other"), None);
    }
}
