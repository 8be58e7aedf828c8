//! The providers as the page sees them ([`ProviderId`], [`ProviderInfo`], [`Providers`]) and the
//! start of a login ([`LoginStart`]).
//!
//! Nothing here is secret: these values are rendered into HTML or sent to the wasm.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of a configured provider: lowercase ASCII letters, digits, `-` and `_`.
///
/// ```
/// use porte::ProviderId;
/// let id = ProviderId::parse("Local").unwrap();
/// assert_eq!(id.as_str(), "local");
/// assert!(ProviderId::parse("bad id!").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProviderId(String);

impl ProviderId {
    /// Accepts any case and stores lowercase; rejects empty ids and other characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidProviderId> {
        let id = raw.to_ascii_lowercase();
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(id))
        } else {
            Err(InvalidProviderId(raw.to_owned()))
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProviderId {
    type Error = InvalidProviderId;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ProviderId> for String {
    fn from(id: ProviderId) -> Self {
        id.0
    }
}

/// A provider id that is not made of `[a-z0-9_-]`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid provider id {0:?}: use letters, digits, '-' and '_'")]
pub struct InvalidProviderId(pub String);

/// A configured provider as the sign-in page shows it.
///
/// ```
/// use porte::{ProviderId, ProviderInfo};
/// let info = ProviderInfo::new(ProviderId::parse("local").unwrap(), "Local", "openid");
/// assert_eq!(info.button_text(), "Continue with Local");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProviderInfo {
    /// Stable id, used in requests.
    pub id: ProviderId,
    /// Human name shown on the button.
    pub label: String,
    /// Which mark the button shows: `github`, `google`, `microsoft`, `auth0`, `authgear`,
    /// `linkedin`, `openid` or `oauth`.
    pub brand: String,
}

impl ProviderInfo {
    /// A provider with its id, the name its button shows and its mark.
    pub fn new(id: ProviderId, label: impl Into<String>, brand: impl Into<String>) -> Self {
        Self {
            id,
            label: label.into(),
            brand: brand.into(),
        }
    }

    /// The sign-in button's text.
    pub fn button_text(&self) -> String {
        format!("Continue with {}", self.label)
    }
}

/// What the server returns when a login starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LoginStart {
    /// Where to send the user (the provider's authorization endpoint with all parameters).
    pub authorization_url: String,
    /// The flow's `state`, so the page can recognise the completion message meant for it.
    pub state: String,
    /// The server opened the system browser there (a desktop app): the page only waits.
    #[serde(default)]
    pub in_system_browser: bool,
}

/// The configured providers, as the sign-in page needs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Providers {
    /// One entry per provider, in configuration order.
    pub list: Vec<ProviderInfo>,
    /// Where the no-JS sign-in form posts (`<base>/start`).
    pub start_path: String,
    /// In development with no provider configured: how to configure one (the sign-in buttons
    /// show it instead of an empty card). Never set in production.
    #[serde(default)]
    pub setup_hint: Option<String>,
    /// A desktop app: logins open the system browser (the server does), so the page opens no
    /// window and waits for the result instead.
    #[serde(default)]
    pub system_browser: bool,
}
