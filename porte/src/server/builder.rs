//! [`PorteBuilder`]: configuration in code first, the environment second (Auth.js's way). Every
//! setting given to the builder wins; what it leaves unset comes from `PORTE_…` variables (when
//! [`PorteBuilder::from_env`] was called), then from the default.

use crate::server::config::{
    app_secret, check_timeout, invalid, parse_origin, parse_path, ClientSecret, ConfigError, Vars,
};
use crate::server::loopback::browser::SystemBrowser;
use crate::server::porte::Config;
use crate::server::providers::{self, ProviderSpec};
use crate::server::revocation::RevocationStore;
use crate::server::session::lifetime::{Policy, DEFAULT_IDLE, DEFAULT_MAX_AGE};
use crate::server::Porte;
use std::sync::Arc;
use std::time::Duration;

/// The origin used when none is configured.
pub const DEFAULT_ORIGIN: &str = "http://127.0.0.1:3000";
/// Where Porte's endpoints live when no base path is configured.
pub const DEFAULT_BASE_PATH: &str = "/api/oauth";
/// Where the app's server functions live when no prefix is configured (leptos' default).
pub const DEFAULT_SERVER_FN_PREFIX: &str = "/api";
/// How long a login, refresh or logout may wait for the provider by default.
pub const DEFAULT_PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings as read from the environment: `(variable, older name still honoured)`.
const ORIGIN: (&str, &str) = ("PORTE_ORIGIN", "APP_ORIGIN");
const SECRET: (&str, &str) = ("PORTE_SECRET_KEY", "APP_SECRET_KEY");
const PREVIOUS: (&str, &str) = ("PORTE_PREVIOUS_SECRET_KEYS", "APP_PREVIOUS_SECRET_KEYS");
const NEXT: &str = "PORTE_NEXT_SECRET_KEY";
const ENV: (&str, &str) = ("PORTE_ENV", "APP_ENV");
const TIMEOUT: (&str, &str) = ("PORTE_PROVIDER_TIMEOUT_SECS", "APP_PROVIDER_TIMEOUT_SECS");
const BASE_PATH: &str = "PORTE_BASE_PATH";
const SERVER_FN_PREFIX: &str = "PORTE_SERVER_FN_PREFIX";
const HOME_PATH: &str = "PORTE_HOME_PATH";
const MAX_AGE: &str = "PORTE_SESSION_MAX_AGE_SECS";
const IDLE: &str = "PORTE_SESSION_IDLE_SECS";
const NOT_BEFORE: &str = "PORTE_SESSIONS_NOT_BEFORE";
const GROUPS_MAX_AGE: &str = "PORTE_GROUPS_MAX_AGE_SECS";
/// How long groups read from the provider are trusted by default before a group check reads
/// them again (15 minutes): the bound on a removal for sessions that do not refresh sooner.
pub const DEFAULT_GROUPS_MAX_AGE: Duration = Duration::from_secs(15 * 60);
const REDIS_URL: &str = "PORTE_REDIS_URL";

/// Builds a [`Porte`]: providers, the app's public origin, the secret key, and the paths.
///
/// ```
/// use porte::{providers, Porte};
/// let porte = Porte::builder()
///     .origin("https://app.example")
///     .secret_key("a long random secret of at least 32 bytes!")
///     .provider(providers::github("Iv1.client-id", "client-secret"))
///     .provider(providers::openid("sso", "https://sso.example/realms/main", "app", "s3cret")?)
///     .build()?;
/// assert_eq!(porte.redirect_uri(), "https://app.example/api/oauth/redirect");
/// assert_eq!(porte.providers().len(), 2);
/// # Ok::<(), porte::ConfigError>(())
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct PorteBuilder {
    env: Option<Vars>,
    origin: Option<String>,
    secret: Option<String>,
    previous_secrets: Vec<String>,
    next_secret: Option<String>,
    production: Option<bool>,
    providers: Vec<ProviderSpec>,
    provider_timeout: Option<Duration>,
    base_path: Option<String>,
    server_fn_prefix: Option<String>,
    home_path: Option<String>,
    max_age: Option<Duration>,
    idle: Option<Duration>,
    not_before: Option<std::time::SystemTime>,
    groups_max_age: Option<Duration>,
    store: Option<Arc<dyn RevocationStore>>,
    redis_url: Option<String>,
    system_browser: Option<SystemBrowser>,
}

impl std::fmt::Debug for PorteBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PorteBuilder")
            .field("origin", &self.origin)
            .field("providers", &self.providers)
            .finish_non_exhaustive()
    }
}

impl PorteBuilder {
    /// Reads the process environment for every setting left unset in code, and adds the
    /// providers configured there (`GITHUB_CLIENT_ID`, `OIDC_<NAME>_ISSUER`, … — see the README).
    pub fn from_env(self) -> Self {
        self.from_vars(std::env::vars())
    }

    /// [`PorteBuilder::from_env`] with the given variables instead of the process environment.
    pub fn from_vars(mut self, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        self.env = Some(Vars::new(vars));
        self
    }

    /// The app's public origin, `scheme://host[:port]` (`PORTE_ORIGIN`; default
    /// `http://127.0.0.1:3000`). Redirect URIs are built from it; `https` makes cookies `Secure`.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// The secret key (`PORTE_SECRET_KEY`, at least 32 bytes): seals session tokens and the
    /// login-flow cookies. Every instance of the app must share it. Without one, development
    /// runs get a random key per process, and production refuses to start.
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret = Some(key.into());
        self
    }

    /// A key used before the current one (`PORTE_PREVIOUS_SECRET_KEYS`, comma-separated): session
    /// tokens it sealed still open, so a key rotation signs nobody out.
    pub fn previous_secret_key(mut self, key: impl Into<String>) -> Self {
        self.previous_secrets.push(key.into());
        self
    }

    /// The key that will replace the current one (`PORTE_NEXT_SECRET_KEY`): tokens and login
    /// flows it sealed open here, nothing is sealed with it yet. A rotation across a fleet takes
    /// two deploys, so that no instance ever meets a key it does not know: first every instance
    /// gets the new key as its next one; then every instance gets it as its current key, with
    /// the old one as a previous key (`previous_secret_key`), until sessions it sealed have
    /// expired. A token sealed under a key an instance does not know is refused with the
    /// retryable `session_key_unknown` (503), never signed out.
    pub fn next_secret_key(mut self, key: impl Into<String>) -> Self {
        self.next_secret = Some(key.into());
        self
    }

    /// Production (`PORTE_ENV=production`, the default in release builds) requires a secret key;
    /// development (`PORTE_ENV=development`, the default in debug builds) does not.
    pub fn production(mut self, production: bool) -> Self {
        self.production = Some(production);
        self
    }

    /// Adds a provider (see [`providers`](crate::providers)). Ids must be unique, also among
    /// the providers configured in the environment.
    pub fn provider(mut self, provider: ProviderSpec) -> Self {
        self.providers.push(provider);
        self
    }

    /// The longest a login step, refresh or revocation waits for a provider
    /// (`PORTE_PROVIDER_TIMEOUT_SECS`, 1–120 s; default 10 s).
    pub fn provider_timeout(mut self, timeout: Duration) -> Self {
        self.provider_timeout = Some(timeout);
        self
    }

    /// Where Porte's endpoints live (`PORTE_BASE_PATH`; default `/api/oauth`): the redirect URI
    /// is `<origin><base>/redirect`, the post-logout URI `<origin><base>/logged-out`.
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = Some(path.into());
        self
    }

    /// Where the app's server functions live (`PORTE_SERVER_FN_PREFIX`; default `/api`, leptos'
    /// default): non-GET calls under it from another site are refused, and errors carried as
    /// Porte [`Error`](crate::Error)s get their HTTP status.
    pub fn server_fn_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.server_fn_prefix = Some(prefix.into());
        self
    }

    /// Where the browser lands after a sign-in started without the wasm, or after the provider's
    /// logout (`PORTE_HOME_PATH`; default `/`).
    pub fn home_path(mut self, path: impl Into<String>) -> Self {
        self.home_path = Some(path.into());
        self
    }

    /// How long a session lives: `max_age` from sign-in whatever happens
    /// (`PORTE_SESSION_MAX_AGE_SECS`; default 30 days, Auth.js's), and `idle` without any use —
    /// no tab open to refresh it, no call (`PORTE_SESSION_IDLE_SECS`; default 7 days). Past either,
    /// the session ends in every tab with `session_expired`, and the server refuses it.
    pub fn session_lifetime(mut self, max_age: Duration, idle: Duration) -> Self {
        self.max_age = Some(max_age);
        self.idle = Some(idle);
        self
    }

    /// Sessions signed in before `time` are over (`PORTE_SESSIONS_NOT_BEFORE`, Unix seconds): the
    /// fleet-wide "sign everyone out" after an incident, short of rotating the key. They are
    /// refused with `session_ended` at their next use.
    pub fn sessions_not_before(mut self, time: std::time::SystemTime) -> Self {
        self.not_before = Some(time);
        self
    }

    /// How long groups read from the provider are trusted (`PORTE_GROUPS_MAX_AGE_SECS`; default
    /// 15 minutes). Groups are read again at every refresh of the access token; a group check
    /// that finds them older reads them then. So a user removed from a group at the provider
    /// loses it at the next refresh or, at the latest, after this long.
    pub fn groups_max_age(mut self, max_age: Duration) -> Self {
        self.groups_max_age = Some(max_age);
        self
    }

    /// Where ended sessions are remembered until they would have expired, so a logged-out token
    /// is refused everywhere. Default: [`MemoryStore`](crate::MemoryStore), right for one instance
    /// (a restart forgets it); a fleet shares a [`RedisStore`](crate::RedisStore), also chosen by
    /// `PORTE_REDIS_URL`.
    pub fn revocation_store(mut self, store: impl RevocationStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// [`PorteBuilder::revocation_store`] with Redis (or Valkey) at `url`, e.g.
    /// `redis://127.0.0.1:6379/0` (`PORTE_REDIS_URL`); connected on first use, reconnected by itself.
    pub fn redis_url(mut self, url: impl Into<String>) -> Self {
        self.redis_url = Some(url.into());
        self
    }

    /// A desktop app: every login opens the user's own browser and comes back through a
    /// loopback redirect to this process (see [`SystemBrowser`]). Register that redirect with
    /// the provider as `http://127.0.0.1/callback` (any port) and use a public client
    /// ([`ProviderSpec::as_public_client`](crate::providers::ProviderSpec::as_public_client))
    /// where the provider has them: a secret shipped in an app is no secret.
    pub fn system_browser(mut self, browser: SystemBrowser) -> Self {
        self.system_browser = Some(browser);
        self
    }

    /// Checks every setting and builds the [`Porte`]; the error names the setting that is wrong.
    pub fn build(mut self) -> Result<Porte, ConfigError> {
        let store = self.store.take();
        let config = self.into_config()?;
        let store = match (store, &config.redis_url) {
            (Some(store), _) => store,
            (None, Some(url)) => Arc::new(
                crate::server::revocation::RedisStore::lazy(url.expose()).map_err(|e| {
                    ConfigError::Invalid {
                        name: REDIS_URL.into(),
                        reason: e.to_string(),
                    }
                })?,
            ),
            (None, None) => Arc::new(crate::server::revocation::MemoryStore::new()),
        };
        Porte::new(config, store)
    }

    pub(crate) fn into_config(self) -> Result<Config, ConfigError> {
        let env = self.env.unwrap_or_default();
        let mut legacy = Vec::new();
        let mut read = |(name, old): (&'static str, &'static str)| match env.get(name) {
            Some(v) => Some((name, v.to_owned())),
            None => env.get(old).map(|v| {
                legacy.push((old, name));
                (old, v.to_owned())
            }),
        };
        let origin = match self.origin {
            Some(o) => parse_origin("origin", &o)?,
            None => match read(ORIGIN) {
                Some((name, o)) => parse_origin(name, &o)?,
                None => parse_origin("origin", DEFAULT_ORIGIN)?,
            },
        };
        let production = match (self.production, read(ENV)) {
            (Some(p), _) => p,
            (None, None) => !cfg!(debug_assertions),
            (None, Some((_, v))) if v == "production" => true,
            (None, Some((_, v))) if v == "development" => false,
            (None, Some((name, _))) => {
                return Err(invalid(name, "expected production or development"))
            }
        };
        let secret = match (self.secret, read(SECRET)) {
            (Some(k), _) => Some(app_secret("secret_key", &k)?),
            (None, Some((name, k))) => Some(app_secret(name, &k)?),
            (None, None) => None,
        };
        if secret.is_none() && production {
            return Err(invalid(
                SECRET.0,
                "required in production: at least 32 random bytes (PORTE_ENV=development \
                 generates a throw-away key)",
            ));
        }
        let mut previous_secrets = self
            .previous_secrets
            .iter()
            .map(|k| app_secret("previous_secret_key", k))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((name, list)) = read(PREVIOUS) {
            for k in list.split([',', ' ']).filter(|k| !k.is_empty()) {
                previous_secrets.push(app_secret(name, k)?);
            }
        }
        let next_secret = match (self.next_secret, env.get(NEXT)) {
            (Some(k), _) => Some(app_secret("next_secret_key", &k)?),
            (None, Some(k)) => Some(app_secret(NEXT, k)?),
            (None, None) => None,
        };
        let provider_timeout = match (self.provider_timeout, read(TIMEOUT)) {
            (Some(t), _) => check_timeout("provider_timeout", t)?,
            (None, Some((name, raw))) => match raw.parse::<u64>() {
                Ok(secs) => check_timeout(name, Duration::from_secs(secs))?,
                Err(_) => {
                    return Err(invalid(
                        name,
                        &format!("expected whole seconds from 1 to 120, got {raw:?}"),
                    ))
                }
            },
            (None, None) => DEFAULT_PROVIDER_TIMEOUT,
        };
        let path = |code: Option<String>, var: &'static str, default: &str| match code {
            Some(p) => parse_path(var, &p),
            None => parse_path(var, env.get(var).unwrap_or(default)),
        };
        let base_path = path(self.base_path, BASE_PATH, DEFAULT_BASE_PATH)?;
        let server_fn_prefix = path(
            self.server_fn_prefix,
            SERVER_FN_PREFIX,
            DEFAULT_SERVER_FN_PREFIX,
        )?;
        let home_path = path(self.home_path, HOME_PATH, "/")?;
        let seconds = |code: Option<Duration>, var: &'static str, default: Duration| match code {
            Some(d) => Ok(d.as_secs()),
            None => match env.get(var) {
                None => Ok(default.as_secs()),
                Some(raw) => raw
                    .parse::<u64>()
                    .map_err(|_| invalid(var, &format!("expected whole seconds, got {raw:?}"))),
            },
        };
        let not_before = match self.not_before {
            Some(t) => t
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            None => seconds(None, NOT_BEFORE, Duration::ZERO)?,
        };
        let lifetimes = Policy {
            max_age: seconds(self.max_age, MAX_AGE, DEFAULT_MAX_AGE)?,
            idle: seconds(self.idle, IDLE, DEFAULT_IDLE)?,
            not_before,
        };
        let groups_max_age = seconds(self.groups_max_age, GROUPS_MAX_AGE, DEFAULT_GROUPS_MAX_AGE)?;
        if lifetimes.max_age == 0 || lifetimes.idle == 0 || lifetimes.idle > lifetimes.max_age {
            return Err(invalid(
                "session_lifetime",
                &format!(
                    "expected 0 < idle ({} s) <= max age ({} s)",
                    lifetimes.idle, lifetimes.max_age
                ),
            ));
        }
        let redis_url = self
            .redis_url
            .or_else(|| env.get(REDIS_URL).map(str::to_owned))
            .map(ClientSecret::new);
        let mut specs = self.providers;
        specs.extend(providers::from_vars(&env)?);
        providers::check_unique(&specs)?;
        providers::check_public_clients(&specs)?;
        Ok(Config {
            origin: origin.origin().ascii_serialization(),
            production,
            secret,
            previous_secrets,
            next_secret,
            providers: specs,
            provider_timeout,
            base_path,
            server_fn_prefix,
            home_path,
            lifetimes,
            groups_max_age,
            redis_url,
            system_browser: self.system_browser,
            legacy_names: legacy,
        })
    }
}

/// Test-only: a configuration read from the given variables alone.
#[cfg(test)]
impl Config {
    /// Reads only the given variables (tests).
    #[cfg(test)]
    pub(crate) fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        PorteBuilder::default().from_vars(vars).into_config()
    }
}

#[cfg(test)]
mod tests;
