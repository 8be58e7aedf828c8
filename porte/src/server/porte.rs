//! [`Porte`]: the configured server half, shared by every request (cheap to clone).

use crate::server::builder::PorteBuilder;
use crate::server::config::ConfigError;
use crate::server::config::{AppSecret, ClientSecret};
use crate::server::error::AuthError;
use crate::server::login::flow_cookie::FlowCookies;
use crate::server::login::provider::Provider;
use crate::server::loopback::browser::{Loopback, SystemBrowser};
use crate::server::providers::ProviderSpec;
use crate::server::revocation::RevocationStore;
use crate::server::session::lifetime::Lifetime;
use crate::server::session::lifetime::Policy;
use crate::server::session::seal::Sealer;
use crate::{ProviderId, ProviderInfo};
use std::sync::Arc;
use std::time::Duration;

/// Porte on the server: the providers, the keys, and the HTTP client that talks to providers.
/// Build it once at start-up ([`Porte::from_env`] or [`Porte::builder`]) and mount it on your
/// Axum router with [`PorteRouter::porte`](crate::PorteRouter::porte).
///
/// ```
/// let porte = porte::Porte::builder().production(false).build()?;
/// assert!(porte.providers().is_empty());
/// # Ok::<(), porte::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Porte(Arc<Inner>);

struct Inner {
    config: Config,
    providers: Vec<Provider>,
    cookies: FlowCookies,
    sealer: Sealer,
    http: reqwest::Client,
    /// Ended sessions, until they would have expired.
    revoked: Arc<dyn RevocationStore>,
    /// A desktop app's logins waiting for the system browser.
    loopback: Option<Loopback>,
}

impl std::fmt::Debug for Porte {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Porte")
            .field("origin", &self.0.config.origin_text())
            .field("providers", &self.providers())
            .finish_non_exhaustive()
    }
}

impl Porte {
    /// A builder: configuration in code, with [`PorteBuilder::from_env`] for the rest.
    pub fn builder() -> PorteBuilder {
        PorteBuilder::default()
    }

    /// Everything from the environment (`PORTE_ORIGIN`, `PORTE_SECRET_KEY`, the providers'
    /// variables; see the README). The same as `Porte::builder().from_env().build()`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().from_env().build()
    }

    pub(crate) fn new(
        config: Config,
        revoked: Arc<dyn RevocationStore>,
    ) -> Result<Self, ConfigError> {
        let http = reqwest::Client::builder()
            // Never follow redirects: a hostile endpoint must not bounce the client secret or
            // a code elsewhere (oauth2-rs docs: SSRF).
            .redirect(reqwest::redirect::Policy::none())
            // The login-wide deadline (`within`) reports first; this only stops a request that
            // outlives it.
            .timeout(config.provider_timeout + std::time::Duration::from_secs(1))
            .connect_timeout(config.provider_timeout)
            // Below the common 5 s keep-alive of servers (Node, Apache): reusing a connection the
            // provider is closing at that moment fails the request ("connection reset").
            .pool_idle_timeout(std::time::Duration::from_secs(4))
            .user_agent(concat!("Porte/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Invalid {
                name: "HTTP client".into(),
                reason: e.to_string(),
            })?;
        let others = config.other_secrets();
        let cookies = FlowCookies::new(config.secret.as_ref(), &others, config.is_https())
            .with_path(&config.base_path);
        let sealer = Sealer::new(config.secret.as_ref(), &others);
        let providers = config
            .providers
            .iter()
            .cloned()
            .map(Provider::new)
            .collect();
        let loopback = config.system_browser.clone().map(Loopback::new);
        Ok(Self(Arc::new(Inner {
            config,
            providers,
            cookies,
            sealer,
            http,
            revoked,
            loopback,
        })))
    }

    /// The system-browser logins of a desktop app, when it is one.
    pub(crate) fn loopback(&self) -> Option<&Loopback> {
        self.0.loopback.as_ref()
    }

    /// The checked configuration.
    pub(crate) fn config(&self) -> &Config {
        &self.0.config
    }

    /// Seals and opens flow cookies.
    pub(crate) fn cookies(&self) -> &FlowCookies {
        &self.0.cookies
    }

    /// Seals and opens session tokens.
    pub(crate) fn sealer(&self) -> &Sealer {
        &self.0.sealer
    }

    /// The client every request to a provider goes through (no redirects, bounded times).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.0.http
    }

    /// Ended sessions, until they would have expired.
    pub(crate) fn store(&self) -> &dyn RevocationStore {
        self.0.revoked.as_ref()
    }

    /// The id and times of a session signed in now.
    pub(crate) fn new_lifetime(&self) -> Lifetime {
        Lifetime::start(crate::server::clock::now(), self.0.config.lifetimes)
    }

    /// Whether a secret key was configured (else the keys are random for this process).
    pub fn has_configured_secret(&self) -> bool {
        self.0.config.secret.is_some()
    }

    /// The configured providers, as the sign-in buttons show them.
    pub fn providers(&self) -> Vec<ProviderInfo> {
        self.0.providers.iter().map(Provider::info).collect()
    }

    /// The app's public origin, `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        self.0.config.origin_text().to_owned()
    }

    /// The redirect URI every provider must have registered: `<origin><base>/redirect`.
    pub fn redirect_uri(&self) -> String {
        self.0.config.redirect_uri()
    }

    /// The post-logout redirect URI to register with providers that support RP-initiated
    /// logout ("Logout everywhere"): `<origin><base>/logged-out`.
    pub fn post_logout_uri(&self) -> String {
        self.0.config.post_logout_uri()
    }

    /// Logs what a deployment needs to know: the URIs to register with each provider, a missing
    /// secret key, settings read under their older `APP_…` names. Call it once at start-up.
    pub fn log_summary(&self) {
        let config = &self.0.config;
        for (old, new) in &config.legacy_names {
            tracing::warn!("{old} is read for compatibility; name it {new}");
        }
        if !self.has_configured_secret() {
            tracing::warn!(
                "DEVELOPMENT KEY: PORTE_SECRET_KEY is not set, so a random key was generated for \
                 this process; sign-ins and remembered sessions end when it restarts. Set \
                 PORTE_SECRET_KEY (32+ random bytes) to keep them; production requires it"
            );
        }
        if self.0.providers.is_empty() {
            tracing::warn!("{NO_PROVIDER}");
        }
        for p in &self.0.providers {
            let logout = if p.has_provider_logout() {
                config.post_logout_uri()
            } else {
                "-".into()
            };
            tracing::info!(
                provider = %p.spec.id,
                label = %p.spec.label,
                redirect_uri = %config.redirect_uri(),
                post_logout_redirect_uri = %logout,
                "provider configured: register these URIs with it"
            );
        }
    }

    pub(crate) fn provider(&self, id: &ProviderId) -> Result<&Provider, AuthError> {
        self.0
            .providers
            .iter()
            .find(|p| &p.spec.id == id)
            .ok_or_else(|| AuthError::UnknownProvider(id.clone()))
    }

    /// Runs one exchange with the provider under the provider timeout, so a provider that
    /// hangs gives the user `provider_timeout` instead of a spinner.
    pub(crate) async fn within<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, AuthError>>,
    ) -> Result<T, AuthError> {
        let limit = self.0.config.provider_timeout;
        tokio::time::timeout(limit, work)
            .await
            .unwrap_or(Err(AuthError::ProviderTimeout(limit)))
    }
}

/// What to say when no provider is configured (at start-up, and on a development sign-in card).
pub(crate) const NO_PROVIDER: &str = "No sign-in provider is configured, so there is nothing to \
    sign in with. Add one in code (`PorteBuilder::provider(porte::providers::github(…))`) or with \
    environment variables: `OIDC_<NAME>_ISSUER`, `OIDC_<NAME>_CLIENT_ID` and \
    `OIDC_<NAME>_CLIENT_SECRET` for any OpenID provider, or `GITHUB_CLIENT_ID` and \
    `GITHUB_CLIENT_SECRET` (see the README's provider table).";

/// A checked configuration.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The app's public origin, serialized once (`http://127.0.0.1:3000`): every state-changing
    /// request compares its `Origin` header with it.
    pub origin: String,
    /// A production run (`PORTE_ENV`): a secret key is required, and pages give no setup hints.
    pub production: bool,
    /// Seals new session tokens and cookies (none: a random key for this process).
    pub secret: Option<AppSecret>,
    /// Still open session tokens sealed before a key rotation.
    pub previous_secrets: Vec<AppSecret>,
    /// Opens what instances already rotated to it seal (the first phase of a rotation).
    pub next_secret: Option<AppSecret>,
    /// Configured providers.
    pub providers: Vec<ProviderSpec>,
    /// The longest an exchange with a provider may take.
    pub provider_timeout: Duration,
    /// Where Porte's endpoints live, e.g. `/api/oauth`.
    pub base_path: String,
    /// Where the app's server functions live, e.g. `/api`.
    pub server_fn_prefix: String,
    /// Where the browser lands after a login without the wasm or a provider logout.
    pub home_path: String,
    /// How long sessions live.
    pub lifetimes: Policy,
    /// How long groups read from the provider are trusted (seconds).
    pub groups_max_age: u64,
    /// Where the revocation store is, when it is Redis (may hold a password: never printed).
    pub redis_url: Option<ClientSecret>,
    /// A desktop app's logins open the system browser.
    pub system_browser: Option<SystemBrowser>,
    /// `(older name used, its replacement)`, for a warning at start-up.
    pub legacy_names: Vec<(&'static str, &'static str)>,
}

impl Config {
    /// The keys that open tokens and flows besides the current one: the next, then the
    /// previous ones.
    pub fn other_secrets(&self) -> Vec<AppSecret> {
        self.next_secret
            .iter()
            .chain(&self.previous_secrets)
            .cloned()
            .collect()
    }

    /// `<origin><base>/redirect`, registered with every provider.
    pub fn redirect_uri(&self) -> String {
        format!("{}{}", self.origin_text(), self.path("redirect"))
    }

    /// `<origin><base>/logged-out`, registered with providers that have RP-initiated logout.
    pub fn post_logout_uri(&self) -> String {
        format!("{}{}", self.origin_text(), self.path("logged-out"))
    }

    /// `<base>/<name>`.
    pub fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.base_path.trim_end_matches('/'))
    }

    /// `scheme://host[:port]`.
    pub fn origin_text(&self) -> &str {
        &self.origin
    }

    /// Whether cookies must be `Secure` (the app is served over https).
    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }
}
