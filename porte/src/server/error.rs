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
    /// The provider reported an error (in the redirect or the token response).
    #[error("provider error {error}")]
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
    /// The access token expired (or the provider answered 401): refresh, then try again.
    #[error("access token expired")]
    TokenExpired,
    /// The session passed its absolute or idle lifetime.
    #[error("session expired ({0:?})")]
    SessionExpired(super::lifetime::Expiry),
    /// The session was ended (logout, a grant revoked at the provider).
    #[error("session ended")]
    SessionEnded,
    /// The revocation store could not be asked.
    #[error("revocation store unavailable: {0}")]
    StoreUnavailable(String),
    /// A call to the provider's API with the user's token failed.
    #[error("provider API call failed: {0}")]
    Api(String),
}

impl AuthError {
    /// Whether the provider said the grant is gone for good (a refresh will never work again).
    pub fn ends_grant(&self) -> bool {
        matches!(self, AuthError::Provider { error, .. }
            if matches!(error.as_str(), "invalid_grant" | "unauthorized_client" | "invalid_client"))
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
            AuthError::TokenExpired => ("token_expired", "The access token expired; it is being refreshed.".into()),
            AuthError::SessionExpired(super::lifetime::Expiry::Absolute) => ("session_expired", "Your session reached its maximum age. Sign in again.".into()),
            AuthError::SessionExpired(super::lifetime::Expiry::Idle) => ("session_expired", "Your session expired after a time without use. Sign in again.".into()),
            AuthError::SessionEnded => ("session_ended", "This session was ended (signed out). Sign in again.".into()),
            AuthError::StoreUnavailable(_) => ("session_store_unavailable", "Sessions cannot be checked right now. Try again in a moment.".into()),
            AuthError::Api(_) => ("provider_api_failed", "The provider's API did not answer as expected. Try again.".into()),
        };
        Error::new(code, Some(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
