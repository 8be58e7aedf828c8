//! What the trust tests share: a Porte configured from variables, sessions sealed for a browser,
//! the request parts that carry them, a revocation store that can be taken down, and a
//! provider's token endpoint that answers what a test tells it to, and a whole sign-in.

use crate::server::login::flow::{self, Finished};
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::oauth::token::TokenSet;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::seal::SessionData;
use crate::server::{MemoryStore, Porte, RevocationStore, StoreError};
use crate::{AccessToken, Group, ProviderId, SealedToken, UserProfile};
use axum::http::{header, request::Parts, Request};
use futures::future::{BoxFuture, FutureExt};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub const KEY: &str = "trust-tests-secret-0123456789abcdef0123";

/// `OIDC_<NAME>` providers `corp` and `other` (groups from their claim), plus `vars`.
pub fn porte_with(vars: &[(&str, &str)], store: Arc<dyn RevocationStore>) -> Porte {
    let mut all: Vec<(String, String)> = Vec::new();
    for name in ["CORP", "OTHER"] {
        for (suffix, value) in [
            ("ISSUER", "http://127.0.0.1:9"),
            ("CLIENT_ID", "id"),
            ("CLIENT_SECRET", "secret"),
        ] {
            all.push((format!("OIDC_{name}_{suffix}"), value.to_owned()));
        }
    }
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut builder = Porte::builder().production(false).from_vars(all);
    if !vars.iter().any(|(k, _)| *k == "PORTE_SECRET_KEY") {
        builder = builder.secret_key(KEY);
    }
    builder
        .revocation_store(Shared(store))
        .build()
        .expect("a Porte")
}

/// A store shared with the test (the builder takes ownership of what it is given).
struct Shared(Arc<dyn RevocationStore>);

impl RevocationStore for Shared {
    fn revoke<'a>(&'a self, id: &'a str, until: u64) -> BoxFuture<'a, Result<(), StoreError>> {
        self.0.revoke(id, until)
    }
    fn is_revoked<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.0.is_revoked(id)
    }
}

pub fn porte(vars: &[(&str, &str)]) -> Porte {
    porte_with(vars, Arc::new(MemoryStore::new()))
}

/// A session with `provider` whose user is in `groups`, read just now; the access token lives
/// an hour and there is a refresh token.
pub fn session(porte: &Porte, provider: &str, groups: &[&str]) -> SessionData {
    let id = ProviderId::parse(provider).unwrap();
    let mut user = UserProfile::new(id.clone(), "user-1");
    user.groups = groups.iter().map(|g| Group::new(*g, None)).collect();
    let now = crate::server::clock::now();
    SessionData {
        provider: id,
        token: TokenSet {
            access_token: AccessToken::new("access-token-secret"),
            token_type: "Bearer".into(),
            scope: vec!["openid".into()],
            expires_in: Some(3600),
            expires_at: Some(now + 3600),
            refresh_token: Some(crate::server::secret::Secret::new("refresh-token-secret")),
            id_token: None,
        },
        id_token_claims: None,
        user: Some(user),
        lifetime: porte.new_lifetime(),
        groups_read_at: Some(now),
    }
}

/// One browser: its binding, and the sealed sessions it holds.
pub struct Browser {
    pub binding: BrowserBinding,
    pub sessions: Vec<(String, SealedToken)>,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            binding: BrowserBinding::generate(),
            sessions: Vec::new(),
        }
    }

    /// Seals `data` for this browser and keeps it.
    pub fn hold(&mut self, porte: &Porte, data: &SessionData) -> SealedToken {
        let sealed = porte.sealer().seal(data, &self.binding);
        self.sessions
            .push((data.provider.to_string(), sealed.clone()));
        sealed
    }

    pub fn cookie(&self) -> String {
        self.binding.cookie(false).encoded().stripped().to_string()
    }

    /// A server-function call from this browser with its sessions.
    pub fn call(&self) -> Parts {
        self.request("/api/whoami").into_parts().0
    }

    pub fn request(&self, uri: &str) -> Request<()> {
        let sessions: Vec<String> = self
            .sessions
            .iter()
            .map(|(p, t)| format!("{p}={}", t.as_str()))
            .collect();
        Request::builder()
            .method("POST")
            .uri(uri)
            .header("x-porte-session", sessions.join(", "))
            .header(header::COOKIE, self.cookie())
            .body(())
            .unwrap()
    }
}

/// Whether `porte` accepts the browser's first session, or the code it refuses it with.
pub async fn opens(porte: &Porte, browser: &Browser) -> Result<(), crate::ErrorCode> {
    crate::server::http::extract::session_from_parts(porte, &browser.call(), None)
        .await
        .map(|_| ())
        .map_err(|r| r.error.error)
}

/// A revocation store that can be taken down and brought back.
#[derive(Default)]
pub struct Flaky {
    inner: MemoryStore,
    down: AtomicBool,
}

impl Flaky {
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::Unavailable("down for the test".into()))
        } else {
            Ok(())
        }
    }
}

impl RevocationStore for Flaky {
    fn revoke<'a>(&'a self, id: &'a str, until: u64) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            self.check()?;
            self.inner.revoke(id, until).await
        }
        .boxed()
    }
    fn is_revoked<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        async move {
            self.check()?;
            self.inner.is_revoked(id).await
        }
        .boxed()
    }
}

/// A provider's token endpoint on a loopback port that answers every request with `status` and
/// `body`; returns its base URL.
pub async fn token_endpoint(status: u16, body: &'static str) -> String {
    let app = axum::Router::new().route(
        "/token",
        axum::routing::post(move || async move {
            (
                axum::http::StatusCode::from_u16(status).unwrap(),
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
        }),
    );
    crate::server::testing::serve_on_loopback(app).await
}

/// A sign-in with `provider` from start to callback, the provider answering `code=c`: the
/// authorization URL the browser was sent to, the callback's outcome, and the browser's cookie
/// header (binding and flow cookies).
pub async fn sign_in(porte: &Porte, provider: &str) -> (url::Url, Finished, String) {
    let request = crate::LoginRequest {
        provider: ProviderId::parse(provider).unwrap(),
        scope: Vec::new(),
        fetch_user: true,
        complete_page_html: None,
        return_to: None,
    };
    let started = flow::start_login(porte, &request, None).await.unwrap();
    let cookies: Vec<String> = started
        .cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect();
    let cookies = cookies.join("; ");
    let query = RedirectQuery::parse(&format!("code=c&state={}", started.start.state));
    let finished = flow::complete_login(porte, &query, Some(&cookies)).await;
    let url = url::Url::parse(&started.start.authorization_url).unwrap();
    (url, finished, cookies)
}
