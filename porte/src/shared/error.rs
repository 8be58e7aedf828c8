//! [`Error`]: what went wrong, as a code for programs and a sentence for people. The same value
//! travels from the server to the browser (JSON) and reaches `on_login`, the components and your
//! own server functions.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A machine-readable error code: Porte's own, or (`Other`) the provider's, e.g. an OAuth
/// `error` Porte does not know by name.
///
/// Written and read as the snake-case text of RFC 6749 style codes:
///
/// ```
/// use porte::ErrorCode;
/// assert_eq!(ErrorCode::NotSignedIn.as_str(), "not_signed_in");
/// assert_eq!(ErrorCode::from("access_denied"), ErrorCode::AccessDenied);
/// assert_eq!(ErrorCode::from("slow_down"), ErrorCode::Other("slow_down".into()));
/// assert_eq!(ErrorCode::Forbidden.status(), 403);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// No session was sent with the call (signed out, or a server function without
    /// [`SessionClient`](crate::SessionClient)). HTTP 401.
    NotSignedIn,
    /// The session token is not this browser's, was altered, or was sealed under a key this
    /// server does not have. HTTP 401.
    InvalidSession,
    /// The access token expired and could not be refreshed first. HTTP 401.
    TokenExpired,
    /// The session passed its absolute or idle lifetime. HTTP 401.
    SessionExpired,
    /// The session was ended (logout, revoked grant) and cannot be used again. HTTP 401.
    SessionEnded,
    /// Signed in, but not allowed (e.g. not in the required group). HTTP 403.
    Forbidden,
    /// A state-changing request came from another site. HTTP 403.
    CrossSite,
    /// The user or the provider refused the sign-in (OAuth `access_denied`).
    AccessDenied,
    /// The user cancelled the sign-in.
    Cancelled,
    /// The sign-in window was closed before the sign-in finished.
    PopupClosed,
    /// The browser blocked the sign-in window.
    PopupBlocked,
    /// A sign-in in the system browser (a desktop app) was not finished in time.
    LoginTimedOut,
    /// No sign-in is pending for this `state` in this browser.
    InvalidState,
    /// The request is malformed (bad scope, oversized page, arguments that do not parse).
    InvalidRequest,
    /// No provider with that id is configured.
    UnknownProvider,
    /// The provider could not be reached or answered nonsense. HTTP 502.
    ProviderUnavailable,
    /// The provider did not answer in time. HTTP 504.
    ProviderTimeout,
    /// The sign-in response came from another issuer (RFC 9207).
    IssuerMismatch,
    /// The provider did not exchange the code. HTTP 502.
    TokenExchangeFailed,
    /// The ID token failed validation. HTTP 502.
    InvalidIdToken,
    /// The user's profile could not be fetched. HTTP 502.
    UserinfoFailed,
    /// The user's groups could not be fetched. HTTP 502.
    GroupsFailed,
    /// A call to the provider's API failed. HTTP 502.
    ProviderApiFailed,
    /// The store of ended sessions (Redis) cannot be reached, so no session is accepted (fail
    /// closed). HTTP 503.
    SessionStoreUnavailable,
    /// The session was sealed under a key this server does not know (yet): a key rotation is
    /// being deployed. Retry later; the browser keeps the session. HTTP 503.
    SessionKeyUnknown,
    /// The sign-in would make a session token larger than Porte keeps (e.g. a user in hundreds
    /// of groups: keep only the groups the app checks). HTTP 500.
    SessionTooLarge,
    /// Signed out in this browser, but the end of the session could not be recorded for the
    /// app's other servers (the revocation store is down); Porte retries. HTTP 503.
    LogoutIncomplete,
    /// Something failed on the server (misconfiguration, transport). HTTP 500.
    ServerError,
    /// Any other code, e.g. a provider's own.
    Other(String),
}

/// Every named code with its text, in one place.
const NAMES: [(ErrorCode, &str); 28] = [
    (ErrorCode::NotSignedIn, "not_signed_in"),
    (ErrorCode::InvalidSession, "invalid_session"),
    (ErrorCode::TokenExpired, "token_expired"),
    (ErrorCode::SessionExpired, "session_expired"),
    (ErrorCode::SessionEnded, "session_ended"),
    (ErrorCode::Forbidden, "forbidden"),
    (ErrorCode::CrossSite, "cross_site"),
    (ErrorCode::AccessDenied, "access_denied"),
    (ErrorCode::Cancelled, "cancelled"),
    (ErrorCode::PopupClosed, "popup_closed"),
    (ErrorCode::PopupBlocked, "popup_blocked"),
    (ErrorCode::LoginTimedOut, "login_timed_out"),
    (ErrorCode::InvalidState, "invalid_state"),
    (ErrorCode::InvalidRequest, "invalid_request"),
    (ErrorCode::UnknownProvider, "unknown_provider"),
    (ErrorCode::ProviderUnavailable, "provider_unavailable"),
    (ErrorCode::ProviderTimeout, "provider_timeout"),
    (ErrorCode::IssuerMismatch, "issuer_mismatch"),
    (ErrorCode::TokenExchangeFailed, "token_exchange_failed"),
    (ErrorCode::InvalidIdToken, "invalid_id_token"),
    (ErrorCode::UserinfoFailed, "userinfo_failed"),
    (ErrorCode::GroupsFailed, "groups_failed"),
    (ErrorCode::ProviderApiFailed, "provider_api_failed"),
    (
        ErrorCode::SessionStoreUnavailable,
        "session_store_unavailable",
    ),
    (ErrorCode::SessionKeyUnknown, "session_key_unknown"),
    (ErrorCode::SessionTooLarge, "session_too_large"),
    (ErrorCode::LogoutIncomplete, "logout_incomplete"),
    (ErrorCode::ServerError, "server_error"),
];

impl ErrorCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(code) => code,
            named => NAMES
                .iter()
                .find(|(c, _)| c == named)
                .map_or("server_error", |(_, text)| text),
        }
    }

    /// The HTTP status a response with this code carries.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn
            | Self::InvalidSession
            | Self::TokenExpired
            | Self::SessionExpired
            | Self::SessionEnded => 401,
            Self::Forbidden | Self::CrossSite => 403,
            Self::ProviderUnavailable
            | Self::TokenExchangeFailed
            | Self::InvalidIdToken
            | Self::UserinfoFailed
            | Self::GroupsFailed
            | Self::ProviderApiFailed => 502,
            Self::ProviderTimeout => 504,
            Self::SessionStoreUnavailable | Self::SessionKeyUnknown | Self::LogoutIncomplete => 503,
            Self::ServerError | Self::SessionTooLarge => 500,
            _ => 400,
        }
    }

    /// Whether the session this error came from can never work again (the browser forgets it):
    /// Porte's refusals of the token itself, a provider no longer configured, and the provider's
    /// definitive answer that the grant is gone (`invalid_grant`, GitHub's `bad_refresh_token`).
    /// Outages (`session_store_unavailable`, `session_key_unknown`, the provider down) and an
    /// operator's mistake (`invalid_client`) end nothing.
    ///
    /// ```
    /// use porte::ErrorCode;
    /// assert!(ErrorCode::from("invalid_grant").ends_session());
    /// assert!(!ErrorCode::from("invalid_client").ends_session());
    /// assert!(!ErrorCode::SessionKeyUnknown.ends_session());
    /// ```
    pub fn ends_session(&self) -> bool {
        match self {
            Self::InvalidSession | Self::SessionExpired | Self::SessionEnded => true,
            Self::UnknownProvider => true,
            Self::Other(code) => matches!(code.as_str(), "invalid_grant" | "bad_refresh_token"),
            _ => false,
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(text: &str) -> Self {
        NAMES
            .iter()
            .find(|(_, t)| *t == text)
            .map_or_else(|| Self::Other(text.to_owned()), |(c, _)| c.clone())
    }
}

impl From<String> for ErrorCode {
    fn from(text: String) -> Self {
        Self::from(text.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::from)
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why a sign-in, a session or a protected call failed: a code and a sentence for people.
///
/// It is what `on_login` reports, what Porte's server functions answer (JSON with the HTTP status
/// of its [`ErrorCode`]), and what [`require_session`] returns, so your own server functions can
/// pass it on with `?`.
///
/// [`require_session`]: https://docs.rs/porte/latest/porte/fn.require_session.html
///
/// ```
/// use porte::{Error, ErrorCode};
/// let e = Error::new("access_denied", Some("The user denied the request".into()));
/// assert_eq!(e.error, ErrorCode::AccessDenied);
/// assert_eq!(e.to_string(), "access_denied: The user denied the request");
/// let json = serde_json::to_string(&e).unwrap();
/// assert_eq!(json, r#"{"error":"access_denied","description":"The user denied the request"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct Error {
    /// The code: one of Porte's, or the provider's `error`.
    pub error: ErrorCode,
    /// The provider's `error_description`, or Porte's explanation.
    pub description: Option<String>,
}

impl Error {
    /// Builds an error from a code and an optional description.
    pub fn new(error: impl Into<ErrorCode>, description: Option<String>) -> Self {
        Self {
            error: error.into(),
            description,
        }
    }

    /// The HTTP status of this error's code.
    pub fn status(&self) -> u16 {
        self.error.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.description {
            Some(d) => write!(f, "{}: {}", self.error, d),
            None => write!(f, "{}", self.error),
        }
    }
}

/// Server functions that fail with an [`Error`] send it as JSON; transport failures become
/// `server_error`.
impl leptos::server_fn::error::FromServerFnError for Error {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        Error::new(ErrorCode::ServerError, Some(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_reads_back_as_itself() {
        for (code, text) in NAMES {
            assert_eq!(code.as_str(), text);
            assert_eq!(ErrorCode::from(text), code);
        }
        assert_eq!(ErrorCode::from("x_y").as_str(), "x_y");
    }

    #[test]
    fn statuses_say_who_must_act() {
        assert_eq!(ErrorCode::NotSignedIn.status(), 401);
        assert_eq!(ErrorCode::SessionExpired.status(), 401);
        assert_eq!(ErrorCode::Forbidden.status(), 403);
        assert_eq!(ErrorCode::UnknownProvider.status(), 400);
        assert_eq!(ErrorCode::Other("slow_down".into()).status(), 400);
        assert_eq!(ErrorCode::ProviderUnavailable.status(), 502);
        assert_eq!(ErrorCode::ServerError.status(), 500);
    }

    #[test]
    fn only_lasting_failures_end_a_session() {
        for code in [
            "invalid_grant",
            "invalid_session",
            "session_expired",
            "session_ended",
            "bad_refresh_token",
            "unknown_provider",
        ] {
            assert!(ErrorCode::from(code).ends_session(), "{code}");
        }
        for code in [
            "provider_timeout",
            "provider_unavailable",
            "token_exchange_failed",
            "server_error",
            "temporarily_unavailable",
            // Redis down: the session is kept for when the store is back.
            "session_store_unavailable",
            // A key rotation being deployed: the next instance may know the key.
            "session_key_unknown",
            // The operator's mistake (a rotated client secret), not the user's grant.
            "invalid_client",
            "unauthorized_client",
            // An access token that cannot be refreshed: the session itself lives on.
            "token_expired",
        ] {
            assert!(!ErrorCode::from(code).ends_session(), "{code}");
        }
    }
}
