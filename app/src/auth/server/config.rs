//! Configuration from the environment (and `.env`, loaded by the server binary).
//!
//! Each provider is one family of variables, read by its module in [`super::providers`]
//! (`GITHUB_CLIENT_ID`, `OIDC_<NAME>_ISSUER`, …). The app's public origin is `APP_ORIGIN`; the
//! cookie and session keys come from `APP_SECRET_KEY`.

use super::providers::{self, ProviderSpec};
use crate::auth::REDIRECT_PATH;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;
use url::Url;

/// The origin used when `APP_ORIGIN` is not set.
pub const DEFAULT_ORIGIN: &str = "http://127.0.0.1:3000";
/// `APP_SECRET_KEY` must have at least this many bytes (HKDF input for the cookie key).
pub const MIN_SECRET_KEY_LEN: usize = 32;
/// How long a login, refresh or logout may wait for the provider when
/// `APP_PROVIDER_TIMEOUT_SECS` is not set.
pub const DEFAULT_PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// A configuration value is missing or malformed; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set (or empty).
    #[error("{0} is not set")]
    Missing(String),
    /// A variable is set to something unusable.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The variable.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A client secret: kept out of `Debug` output and logs.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the token request only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(**redacted**)")
    }
}

/// The app secret from which the cookie encryption key is derived; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecret(Vec<u8>);

impl AppSecret {
    /// The secret bytes, for key derivation only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret(**redacted**)")
    }
}

/// Everything the auth library needs from the environment.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The app's public origin, e.g. `http://127.0.0.1:3000`.
    pub origin: Url,
    /// `APP_SECRET_KEY`, when set: seals new session tokens and cookies.
    pub secret: Option<AppSecret>,
    /// `APP_PREVIOUS_SECRET_KEYS`: still open session tokens sealed before a key rotation.
    pub previous_secrets: Vec<AppSecret>,
    /// Configured providers (push your own [`ProviderSpec`] here too).
    pub providers: Vec<ProviderSpec>,
    /// `APP_PROVIDER_TIMEOUT_SECS` (1–120, default 10): the longest a login step (discovery,
    /// token, ID token keys, profile, groups), a refresh or a revocation waits for the provider.
    pub provider_timeout: Duration,
}

impl AuthConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Reads the given variables (the environment, or a test's map).
    ///
    /// ```
    /// use app::auth::server::AuthConfig;
    /// let config = AuthConfig::from_vars([
    ///     ("OIDC_LOCAL_ISSUER".to_string(), "http://127.0.0.1:4010".to_string()),
    ///     ("OIDC_LOCAL_CLIENT_ID".into(), "porte-local".into()),
    ///     ("OIDC_LOCAL_CLIENT_SECRET".into(), "s3cret".into()),
    /// ]).unwrap();
    /// assert_eq!(config.providers[0].label, "Local");
    /// assert_eq!(config.redirect_uri(), "http://127.0.0.1:3000/api/oauth/redirect");
    /// ```
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let vars = Vars::new(vars);
        let origin = parse_origin(vars.get("APP_ORIGIN").unwrap_or(DEFAULT_ORIGIN))?;
        let production = match vars.get("APP_ENV") {
            None => !cfg!(debug_assertions),
            Some("production") => true,
            Some("development") => false,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "APP_ENV".into(),
                    reason: "expected production or development".into(),
                })
            }
        };
        let secret = vars
            .get("APP_SECRET_KEY")
            .map(|k| app_secret("APP_SECRET_KEY", k))
            .transpose()?;
        if secret.is_none() && production {
            return Err(ConfigError::Invalid {
                name: "APP_SECRET_KEY".into(),
                reason: format!(
                    "required in production: at least {MIN_SECRET_KEY_LEN} random bytes \
                     (APP_ENV=development generates a throw-away key)"
                ),
            });
        }
        let previous_secrets = vars
            .get("APP_PREVIOUS_SECRET_KEYS")
            .map(|list| {
                list.split([',', ' '])
                    .filter(|k| !k.is_empty())
                    .map(|k| app_secret("APP_PREVIOUS_SECRET_KEYS", k))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let providers = providers::from_vars(&vars)?;
        let provider_timeout = match vars.get("APP_PROVIDER_TIMEOUT_SECS") {
            None => DEFAULT_PROVIDER_TIMEOUT,
            Some(raw) => match raw.parse::<u64>() {
                Ok(secs @ 1..=120) => Duration::from_secs(secs),
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "APP_PROVIDER_TIMEOUT_SECS".into(),
                        reason: format!("expected whole seconds from 1 to 120, got {raw:?}"),
                    })
                }
            },
        };
        Ok(Self {
            origin,
            secret,
            previous_secrets,
            providers,
            provider_timeout,
        })
    }

    /// `<origin>/api/oauth/redirect`, registered with every provider.
    pub fn redirect_uri(&self) -> String {
        format!(
            "{}{REDIRECT_PATH}",
            self.origin.origin().ascii_serialization()
        )
    }

    /// Whether cookies must be `Secure` (the app is served over https).
    pub fn is_https(&self) -> bool {
        self.origin.scheme() == "https"
    }
}

/// The variables, with empty values dropped and values trimmed.
#[derive(Debug, Clone, Default)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    /// Collects variables (the environment, or a test's pairs).
    ///
    /// ```
    /// use app::auth::server::Vars;
    /// let v = Vars::new([("A".to_string(), " x ".to_string()), ("B".into(), " ".into())]);
    /// assert_eq!(v.get("A"), Some("x"));
    /// assert_eq!(v.get("B"), None);
    /// ```
    pub fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(
            vars.into_iter()
                .map(|(k, v)| (k, v.trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Whether any of these variables is set.
    pub fn any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.0.contains_key(*n))
    }

    /// A variable that must be set.
    pub fn required(&self, name: &str) -> Result<String, ConfigError> {
        self.get(name)
            .map(str::to_owned)
            .ok_or_else(|| ConfigError::Missing(name.to_owned()))
    }

    /// An http(s) URL without query or fragment (default when unset), without trailing `/`.
    pub fn url(&self, name: &str, default: &str) -> Result<String, ConfigError> {
        let raw = self.get(name).unwrap_or(default);
        check_url(name, raw).map(|_| raw.trim_end_matches('/').to_owned())
    }

    /// An http(s) URL that must be set.
    pub fn required_url(&self, name: &str) -> Result<String, ConfigError> {
        self.required(name)?;
        self.url(name, "")
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no` (default when unset).
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(_) => Err(ConfigError::Invalid {
                name: name.to_owned(),
                reason: "expected true or false".into(),
            }),
        }
    }

    /// Every `<NAME>` such that `<prefix><NAME><suffix>` is set, for one of `suffixes`.
    pub fn families(&self, prefix: &str, suffixes: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = self
            .0
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .filter_map(|rest| suffixes.iter().find_map(|s| rest.strip_suffix(s)))
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The button label from `name`, or `default`.
    pub fn label(&self, name: &str, default: &str) -> String {
        self.get(name).unwrap_or(default).to_owned()
    }
}

/// `https://domain`, or the value itself when it already has a scheme (for emulators and
/// self-hosted instances on http://127.0.0.1).
pub fn domain_url(vars: &Vars, name: &str) -> Result<String, ConfigError> {
    let raw = vars.required(name)?;
    let url = if raw.contains("://") {
        raw
    } else {
        format!("https://{raw}")
    };
    check_url(name, &url).map(|_| url.trim_end_matches('/').to_owned())
}

fn check_url(name: &str, raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        name: name.to_owned(),
        reason,
    };
    let url = Url::parse(raw).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid("expected an http(s) URL without query".into()));
    }
    Ok(url)
}

fn app_secret(name: &str, key: &str) -> Result<AppSecret, ConfigError> {
    if key.len() < MIN_SECRET_KEY_LEN {
        return Err(ConfigError::Invalid {
            name: name.into(),
            reason: format!("use at least {MIN_SECRET_KEY_LEN} random bytes"),
        });
    }
    Ok(AppSecret(key.as_bytes().to_vec()))
}

/// `MY_IDP` → `My idp`.
pub fn default_label(name: &str) -> String {
    let lower = name.to_ascii_lowercase().replace('_', " ");
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn parse_origin(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        name: "APP_ORIGIN".into(),
        reason: reason.into(),
    };
    let url = Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid("expected http(s)://host[:port]"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("an origin has no path, query or fragment"));
    }
    Ok(url)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
