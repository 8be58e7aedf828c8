//! Configuration from the environment (and `.env`, loaded by the server binary).
//!
//! Every provider is one family of variables: `OIDC_<NAME>_ISSUER`, `OIDC_<NAME>_CLIENT_ID`,
//! `OIDC_<NAME>_CLIENT_SECRET`, optional `OIDC_<NAME>_SCOPES` and `OIDC_<NAME>_LABEL`.
//! The app's public origin is `APP_ORIGIN`; the cookie key comes from `APP_SECRET_KEY`.

use crate::auth::{ProviderId, REDIRECT_PATH};
use std::collections::BTreeMap;
use std::fmt;
use url::Url;

/// The origin used when `APP_ORIGIN` is not set.
pub const DEFAULT_ORIGIN: &str = "http://127.0.0.1:3000";
/// Scopes requested when `OIDC_<NAME>_SCOPES` is not set.
pub const DEFAULT_SCOPES: &str = "openid profile email";
/// `APP_SECRET_KEY` must have at least this many bytes (HKDF input for the cookie key).
pub const MIN_SECRET_KEY_LEN: usize = 32;

const SUFFIXES: [&str; 5] = [
    "_ISSUER",
    "_CLIENT_ID",
    "_CLIENT_SECRET",
    "_SCOPES",
    "_LABEL",
];

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

/// One OpenID provider configured by discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProviderConfig {
    /// `<NAME>` in lowercase.
    pub id: ProviderId,
    /// Button label (`OIDC_<NAME>_LABEL`, default: the name capitalised).
    pub label: String,
    /// The issuer URL, exactly as the provider's discovery document states it.
    pub issuer: String,
    /// The registered client id.
    pub client_id: String,
    /// The registered client secret.
    pub client_secret: ClientSecret,
    /// Scopes requested at every login.
    pub scopes: Vec<String>,
}

/// Everything the auth library needs from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The app's public origin, e.g. `http://127.0.0.1:3000`.
    pub origin: Url,
    /// `APP_SECRET_KEY`, when set.
    pub secret: Option<AppSecret>,
    /// Configured providers, sorted by id.
    pub providers: Vec<OidcProviderConfig>,
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
        let vars: BTreeMap<String, String> = vars
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        let origin = parse_origin(vars.get("APP_ORIGIN").map_or(DEFAULT_ORIGIN, |s| s.trim()))?;
        let secret = match vars.get("APP_SECRET_KEY") {
            Some(key) if key.len() < MIN_SECRET_KEY_LEN => {
                return Err(ConfigError::Invalid {
                    name: "APP_SECRET_KEY".into(),
                    reason: format!("use at least {MIN_SECRET_KEY_LEN} random bytes"),
                })
            }
            Some(key) => Some(AppSecret(key.as_bytes().to_vec())),
            None => None,
        };
        let providers = provider_names(&vars)
            .into_iter()
            .map(|name| provider(&vars, &name))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            origin,
            secret,
            providers,
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

/// Every `<NAME>` that appears in an `OIDC_<NAME>_<SUFFIX>` variable.
fn provider_names(vars: &BTreeMap<String, String>) -> Vec<String> {
    let mut names: Vec<String> = vars
        .keys()
        .filter_map(|k| k.strip_prefix("OIDC_"))
        .filter_map(|rest| SUFFIXES.iter().find_map(|s| rest.strip_suffix(s)))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn provider(
    vars: &BTreeMap<String, String>,
    name: &str,
) -> Result<OidcProviderConfig, ConfigError> {
    let var = |suffix: &str| format!("OIDC_{name}{suffix}");
    let required = |suffix: &str| {
        let key = var(suffix);
        vars.get(&key)
            .map(|v| v.trim().to_owned())
            .ok_or(ConfigError::Missing(key))
    };
    let id = ProviderId::parse(name).map_err(|e| ConfigError::Invalid {
        name: var("_ISSUER"),
        reason: e.to_string(),
    })?;
    let issuer = required("_ISSUER")?;
    let parsed = Url::parse(&issuer).map_err(|e| ConfigError::Invalid {
        name: var("_ISSUER"),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.query().is_some() {
        return Err(ConfigError::Invalid {
            name: var("_ISSUER"),
            reason: "expected an http(s) URL without query".into(),
        });
    }
    let scopes = vars
        .get(&var("_SCOPES"))
        .map_or(DEFAULT_SCOPES, String::as_str)
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let label = vars
        .get(&var("_LABEL"))
        .map(|l| l.trim().to_owned())
        .unwrap_or_else(|| default_label(name));
    Ok(OidcProviderConfig {
        id,
        label,
        issuer,
        client_id: required("_CLIENT_ID")?,
        client_secret: ClientSecret(required("_CLIENT_SECRET")?),
        scopes,
    })
}

/// `MY_IDP` → `My idp`.
fn default_label(name: &str) -> String {
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
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const LOCAL: [(&str, &str); 3] = [
        ("OIDC_LOCAL_ISSUER", "http://127.0.0.1:4010"),
        ("OIDC_LOCAL_CLIENT_ID", "porte-local"),
        ("OIDC_LOCAL_CLIENT_SECRET", "secret"),
    ];

    #[test]
    fn nothing_configured_means_no_providers_and_the_default_origin() {
        let c = AuthConfig::from_vars(vars(&[("PATH", "/bin")])).unwrap();
        assert!(c.providers.is_empty());
        assert_eq!(c.redirect_uri(), "http://127.0.0.1:3000/api/oauth/redirect");
        assert!(!c.is_https());
    }

    #[test]
    fn a_full_provider_is_read_with_defaults() {
        let c = AuthConfig::from_vars(vars(&LOCAL)).unwrap();
        let p = &c.providers[0];
        assert_eq!(p.id.as_str(), "local");
        assert_eq!(p.label, "Local");
        assert_eq!(p.scopes, ["openid", "profile", "email"]);
        assert_eq!(p.client_secret.expose(), "secret");
    }

    #[test]
    fn scopes_label_and_origin_are_honoured() {
        let mut v = vars(&LOCAL);
        v.extend(vars(&[
            ("OIDC_LOCAL_SCOPES", "openid groups,email"),
            ("OIDC_LOCAL_LABEL", "Company SSO"),
            ("APP_ORIGIN", "https://app.example.test"),
        ]));
        let c = AuthConfig::from_vars(v).unwrap();
        assert_eq!(c.providers[0].scopes, ["openid", "groups", "email"]);
        assert_eq!(c.providers[0].label, "Company SSO");
        assert_eq!(
            c.redirect_uri(),
            "https://app.example.test/api/oauth/redirect"
        );
        assert!(c.is_https());
    }

    #[test]
    fn a_half_configured_provider_names_the_missing_variable() {
        let err = AuthConfig::from_vars(vars(&LOCAL[..2])).unwrap_err();
        assert_eq!(err, ConfigError::Missing("OIDC_LOCAL_CLIENT_SECRET".into()));
        let err = AuthConfig::from_vars(vars(&[("OIDC_KC_CLIENT_ID", "x")])).unwrap_err();
        assert_eq!(err, ConfigError::Missing("OIDC_KC_ISSUER".into()));
    }

    #[test]
    fn bad_values_are_rejected_with_the_variable_name() {
        let mut v = vars(&LOCAL);
        v.push(("OIDC_LOCAL_ISSUER".into(), "ftp://x".into()));
        assert!(
            matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "OIDC_LOCAL_ISSUER")
        );
        let v = vars(&[("APP_ORIGIN", "http://127.0.0.1:3000/app")]);
        assert!(
            matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "APP_ORIGIN")
        );
        let v = vars(&[("APP_SECRET_KEY", "short")]);
        assert!(
            matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "APP_SECRET_KEY")
        );
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let mut v = vars(&LOCAL);
        v.push(("APP_SECRET_KEY".into(), "k".repeat(40)));
        let dump = format!("{:?}", AuthConfig::from_vars(v).unwrap());
        assert!(!dump.contains("secret\""), "{dump}");
        assert!(!dump.contains("kkkk"), "{dump}");
    }
}
