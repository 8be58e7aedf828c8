//! The pieces of configuration: errors that name the setting, secrets that never print, and the
//! environment variables as Porte reads them.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;
use url::Url;

/// The secret key must have at least this many bytes (HKDF input for the cookie and session keys).
pub const MIN_SECRET_KEY_LEN: usize = 32;

/// A configuration value is missing or malformed; the message names the setting (the
/// environment variable, or the builder method's name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
///
/// ```
/// let s = porte::ClientSecret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "ClientSecret(**redacted**)");
/// ```
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

/// The secret key from which the cookie and session keys are derived; never printed.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AppSecret(Vec<u8>);

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

/// The variables, with empty values dropped and values trimmed.
#[derive(Debug, Clone, Default)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    /// Collects variables (the environment, or a test's pairs).
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

pub(crate) fn check_url(name: &str, raw: &str) -> Result<Url, ConfigError> {
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

pub(crate) fn app_secret(name: &str, key: &str) -> Result<AppSecret, ConfigError> {
    if key.len() < MIN_SECRET_KEY_LEN {
        return Err(ConfigError::Invalid {
            name: name.into(),
            reason: format!("use at least {MIN_SECRET_KEY_LEN} random bytes"),
        });
    }
    Ok(AppSecret(key.as_bytes().to_vec()))
}

/// A setting that is set but wrong: its name and why.
pub(crate) fn invalid(name: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A provider timeout: whole seconds from 1 to 120.
pub(crate) fn check_timeout(name: &str, t: Duration) -> Result<Duration, ConfigError> {
    if (1..=120).contains(&t.as_secs()) && t.subsec_nanos() == 0 {
        Ok(t)
    } else {
        Err(invalid(
            name,
            &format!("expected whole seconds from 1 to 120, got {t:?}"),
        ))
    }
}

/// The app's public origin: `http(s)://host[:port]`, nothing after it.
pub(crate) fn parse_origin(name: &str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|e| invalid(name, &e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid(name, "expected http(s)://host[:port]"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(name, "an origin has no path, query or fragment"));
    }
    check_url(name, raw)?;
    Ok(url)
}

/// `/` or `/a/b` (no trailing slash, no query, plain path characters).
pub(crate) fn parse_path(name: &str, raw: &str) -> Result<String, ConfigError> {
    let trimmed = if raw.len() > 1 {
        raw.trim_end_matches('/')
    } else {
        raw
    };
    let plain = trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/-_.~".contains(&b));
    if !trimmed.starts_with('/') || trimmed.starts_with("//") || !plain || trimmed.contains("..") {
        return Err(invalid(
            name,
            &format!("expected a path such as /api/oauth, got {raw:?}"),
        ));
    }
    Ok(trimmed.to_owned())
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

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {

    #[test]
    fn variables_are_trimmed_and_blank_counts_as_unset() {
        use crate::server::config::Vars;
        let v = Vars::new([
            ("A".to_string(), " x ".to_string()),
            ("B".into(), " ".into()),
        ]);
        assert_eq!(v.get("A"), Some("x"));
        assert_eq!(v.get("B"), None);
    }
}
