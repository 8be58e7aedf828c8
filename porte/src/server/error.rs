//! Everything that can stop a login on the server, and how each reaches the user.

use crate::{Error, ProviderId};

/// A login failed on the server side. Converts into the [`Error`] the page shows;
/// the details that could help an attacker or leak internals stay in the server log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The request names a provider that is not configured.
    #[error("unknown provider {0}")]
    UnknownProvider(ProviderId),
    /// Discovery or JWKS could not be fetched or parsed.
    #[error("discovery failed for {provider}: {detail}")]
    Discovery {
        /// The provider.
        provider: ProviderId,
        /// What went wrong (for the log).
        detail: String,
    },
    /// No flow cookie for this `state`: never started here, already used, or expired.
    #[error("no pending login for this state")]
    NoLoginPending,
    /// The authorization response's `iss` is not this provider's issuer (RFC 9207).
    #[error("authorization response issuer {got:?} is not {expected:?}")]
    IssuerMismatch {
        /// The discovered issuer.
        expected: String,
        /// What the response said.
        got: String,
    },
    /// The provider advertises `iss` in responses, and this one has none (RFC 9207).
    #[error("authorization response without iss")]
    IssuerMissing,
    /// The redirect has neither `code` nor `error`.
    #[error("authorization response without code")]
    MissingCode,
    /// The provider reported an error (in the redirect or the token response). Shown quoted and
    /// escaped: the text comes from the redirect's query (a log line cannot be forged with it).
    #[error("provider error {error:?}")]
    Provider {
        /// The provider's `error`.
        error: String,
        /// The provider's `error_description`.
        description: Option<String>,
    },
    /// The provider did not answer within `APP_PROVIDER_TIMEOUT_SECS`.
    #[error("the provider did not answer within {0:?}")]
    ProviderTimeout(std::time::Duration),
    /// The token request failed without a provider error (network, malformed response).
    #[error("token exchange failed: {0}")]
    TokenExchange(String),
    /// The ID token is missing or fails validation.
    #[error("ID token rejected: {0}")]
    IdToken(String),
    /// The userinfo request failed or its `sub` does not match the ID token's.
    #[error("userinfo failed: {0}")]
    UserInfo(String),
    /// The groups could not be fetched.
    #[error("groups failed: {0}")]
    Groups(String),
    /// The login request itself is malformed (bad scope, oversized page).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A session token could not be opened.
    #[error("session token refused: {0}")]
    Session(String),
    /// A session token sealed under a key this server does not know (a rotation in progress).
    #[error("session token sealed under a key this server does not know (is a key rotation half deployed? see PORTE_NEXT_SECRET_KEY)")]
    UnknownKey,
    /// The access token expired (or the provider answered 401): refresh, then try again.
    #[error("access token expired")]
    TokenExpired,
    /// The access token expired and the sign-in has no refresh token.
    #[error("access token expired and the sign-in has no refresh token")]
    NoRefreshToken,
    /// Sealing would exceed the session budget.
    #[error("session token of {len} bytes is over the budget of {budget} ({groups} groups)")]
    SessionTooLarge {
        /// The sealed length.
        len: usize,
        /// The most Porte seals.
        budget: usize,
        /// How many groups the user has in it.
        groups: usize,
    },
    /// The groups cannot be trusted for a group check (why, for the user).
    #[error("groups unavailable: {0}")]
    GroupsUnavailable(String),
    /// A logout could not be recorded in the revocation store.
    #[error("logout not recorded: {0}")]
    LogoutIncomplete(String),
    /// The session passed its absolute or idle lifetime.
    #[error("session expired ({0:?})")]
    SessionExpired(crate::server::session::lifetime::Expiry),
    /// The session was ended (logout, a grant revoked at the provider).
    #[error("session ended")]
    SessionEnded,
    /// The revocation store could not be asked.
    #[error("revocation store unavailable: {0}")]
    StoreUnavailable(String),
    /// A call to the provider's API with the user's token failed.
    #[error("provider API call failed: {0}")]
    Api(String),
    /// A system-browser login got no answer in time (the browser tab was likely closed).
    #[error("the browser did not come back within {0:?}")]
    BrowserTimedOut(std::time::Duration),
    /// The user cancelled the login in the app.
    #[error("login cancelled")]
    Cancelled,
    /// The system browser could not be opened.
    #[error("system browser: {0}")]
    SystemBrowser(String),
}

impl AuthError {
    /// Whether the provider said the grant is gone for good (a refresh will never work again).
    /// Only its answer about this grant counts: `invalid_client` is the operator's mistake (a
    /// rotated client secret), which must not end everyone's sessions.
    pub fn ends_grant(&self) -> bool {
        matches!(self, AuthError::Provider { error, .. } if crate::ErrorCode::from(error.as_str()).ends_session())
    }

    /// Whether the provider refused this app's own credentials (a configuration error).
    pub fn is_client_misconfigured(&self) -> bool {
        matches!(self, AuthError::Provider { error, .. }
            if matches!(error.as_str(), "invalid_client" | "unauthorized_client"))
    }
}

/// An error and its sources on one line, for the server log.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        let (code, text) = match e {
            AuthError::Provider { error, description } => return Error::new(error, description),
            AuthError::UnknownProvider(p) => ("unknown_provider", format!("No provider named {p} is configured.")),
            AuthError::Discovery { .. } => ("provider_unavailable", "The sign-in provider could not be reached. Try again in a moment.".into()),
            AuthError::NoLoginPending => ("invalid_state", "No sign-in is pending in this browser, or it expired or was already completed. Start again from the app.".into()),
            AuthError::IssuerMismatch { .. } | AuthError::IssuerMissing => ("issuer_mismatch", "The sign-in response did not come from the provider the login was started with.".into()),
            AuthError::MissingCode => ("invalid_request", "The provider's response had no authorization code.".into()),
            AuthError::ProviderTimeout(after) => ("provider_timeout", format!("The sign-in provider did not answer within {} seconds. Try again in a moment.", after.as_secs())),
            AuthError::TokenExchange(_) => ("token_exchange_failed", "The provider did not accept the sign-in. Try again.".into()),
            AuthError::IdToken(_) => ("invalid_id_token", "The provider's identity token failed validation.".into()),
            AuthError::UserInfo(_) => ("userinfo_failed", "Your profile could not be fetched from the provider.".into()),
            AuthError::Groups(_) => ("groups_failed", "Your groups could not be fetched from the provider.".into()),
            AuthError::InvalidRequest(detail) => ("invalid_request", detail),
            AuthError::Session(_) => ("invalid_session", "The saved sign-in could not be restored. Sign in again.".into()),
            AuthError::UnknownKey => ("session_key_unknown", "This server cannot open your session yet (its keys are being changed). Try again in a moment.".into()),
            AuthError::TokenExpired => ("token_expired", "The access token expired; it is being refreshed.".into()),
            AuthError::NoRefreshToken => ("token_expired", "The provider's access token expired and this sign-in cannot refresh it (no refresh token). Sign in again to call the provider.".into()),
            AuthError::SessionTooLarge { len, budget, groups } => ("session_too_large", format!("This sign-in is too large to keep ({len} bytes, at most {budget}; {groups} groups). The app should keep only the groups it checks (ProviderSpec::with_groups, or <PROVIDER>_GROUPS).")),
            AuthError::GroupsUnavailable(why) => ("forbidden", why),
            AuthError::LogoutIncomplete(_) => ("logout_incomplete", "You are signed out in this browser, but the app's other servers could not be told yet. Porte keeps trying; until then, a copy of this session taken before may still work there.".into()),
            AuthError::SessionExpired(crate::server::session::lifetime::Expiry::Absolute) => ("session_expired", "Your session reached its maximum age. Sign in again.".into()),
            AuthError::SessionExpired(crate::server::session::lifetime::Expiry::Idle) => ("session_expired", "Your session expired after a time without use. Sign in again.".into()),
            AuthError::SessionExpired(crate::server::session::lifetime::Expiry::CutOff) => ("session_ended", "Sessions signed in before a time set by the app's operator were ended. Sign in again.".into()),
            AuthError::SessionEnded => ("session_ended", "This session was ended (signed out). Sign in again.".into()),
            AuthError::StoreUnavailable(_) => ("session_store_unavailable", "Sessions cannot be checked right now. Try again in a moment.".into()),
            AuthError::Api(_) => ("provider_api_failed", "The provider's API did not answer as expected. Try again.".into()),
            AuthError::BrowserTimedOut(after) => ("login_timed_out", format!("The sign-in was not finished in the browser within {} minutes (was its tab closed?). Start again from the app.", after.as_secs().div_ceil(60))),
            AuthError::Cancelled => ("cancelled", "The sign-in was cancelled.".into()),
            AuthError::SystemBrowser(_) => ("server_error", "The browser could not be opened for the sign-in.".into()),
        };
        Error::new(code, Some(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_error_text_is_escaped_in_the_log_and_only_grant_errors_end_sessions() {
        let forged = AuthError::Provider {
            error: "x\nINFO login completed user=admin".into(),
            description: None,
        };
        assert_eq!(
            forged.to_string(),
            "provider error \"x\\nINFO login completed user=admin\""
        );
        let provider = |e: &str| AuthError::Provider {
            error: e.into(),
            description: None,
        };
        assert!(provider("invalid_grant").ends_grant());
        assert!(!provider("invalid_client").ends_grant());
        assert!(provider("invalid_client").is_client_misconfigured());
        assert!(!provider("temporarily_unavailable").ends_grant());
        assert!(!AuthError::NoRefreshToken.ends_grant());
    }

    #[test]
    fn provider_errors_pass_through_and_internals_stay_out() {
        let e: Error = AuthError::Provider {
            error: "access_denied".into(),
            description: Some("no".into()),
        }
        .into();
        assert_eq!(e, Error::new("access_denied", Some("no".into())));
        let e: Error = AuthError::TokenExchange("connect error 10.0.0.1".into()).into();
        assert_eq!(e.error, "token_exchange_failed");
        assert!(!e.to_string().contains("10.0.0.1"));
    }
}
