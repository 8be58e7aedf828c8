//! Whether a session is still alive: not past its lifetimes (as configured now, from its
//! sign-in and last use), not signed in before the operator's cut-off, and not ended (logout, a
//! grant revoked at the provider) on any instance. Every use of a session token goes through
//! here, and every seal goes through [`Porte::seal`], which keeps tokens within their budget.

use crate::server::clock::now;
use crate::server::error::AuthError;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::lifetime::Lifetime;
use crate::server::session::seal::{SealError, SessionData, SESSION_BUDGET};
use crate::server::Porte;
use crate::SealedToken;

/// Opens a token this browser sent and checks the session is alive: within its lifetimes,
/// and not in the revocation store. A store that cannot answer fails closed.
pub(crate) async fn open_alive(
    porte: &Porte,
    sealed: &SealedToken,
    binding: &BrowserBinding,
) -> Result<SessionData, AuthError> {
    let data = open_bound(porte, sealed, binding)?;
    data.lifetime
        .check(now(), porte.config().lifetimes)
        .map_err(AuthError::SessionExpired)?;
    match porte.store().is_revoked(&data.lifetime.session_id).await {
        Ok(false) => Ok(data),
        Ok(true) => Err(AuthError::SessionEnded),
        Err(e) => {
            tracing::warn!(error = %e, "revocation store unavailable: session refused");
            Err(AuthError::StoreUnavailable(e.to_string()))
        }
    }
}

/// Opens a token with a browser's binding. A key this server does not know is a retryable
/// refusal when keys are configured (a rotation being deployed), final with the throw-away
/// development key (a restart made it).
pub(crate) fn open_bound(
    porte: &Porte,
    sealed: &SealedToken,
    binding: &BrowserBinding,
) -> Result<SessionData, AuthError> {
    porte.sealer().open(sealed, binding).map_err(|e| match e {
        SealError::UnknownKey if porte.has_configured_secret() => {
            tracing::warn!("{}", AuthError::UnknownKey);
            AuthError::UnknownKey
        }
        other => AuthError::Session(other.to_string()),
    })
}

/// Seals `data` for a browser, within the session budget.
pub(crate) fn seal(
    porte: &Porte,
    data: &SessionData,
    binding: &BrowserBinding,
) -> Result<SealedToken, AuthError> {
    let sealed = porte.sealer().seal(data, binding);
    if sealed.as_str().len() <= SESSION_BUDGET {
        return Ok(sealed);
    }
    let groups = data.user.as_ref().map_or(0, |u| u.groups.len());
    let e = AuthError::SessionTooLarge {
        len: sealed.as_str().len(),
        budget: SESSION_BUDGET,
        groups,
    };
    tracing::warn!(provider = %data.provider, error = %e, "session not sealed");
    Err(e)
}

/// Remembers, on every instance sharing the store, that this session ended, until it would
/// have expired anyway.
pub(crate) async fn revoke_session(porte: &Porte, lifetime: &Lifetime) -> Result<(), AuthError> {
    revoke_id(porte, &lifetime.session_id, lifetime.expires_at).await
}

/// [`Porte::revoke_session`] by id and absolute expiry (a logout receipt's).
pub(crate) async fn revoke_id(
    porte: &Porte,
    session_id: &str,
    until: u64,
) -> Result<(), AuthError> {
    porte.store().revoke(session_id, until).await.map_err(|e| {
        tracing::warn!(error = %e, "revocation store unavailable: session not revoked");
        AuthError::StoreUnavailable(e.to_string())
    })
}

/// `data` used now: a later idle expiry, never past the absolute one, and the configured
/// lifetimes applied.
pub(crate) fn used(porte: &Porte, mut data: SessionData) -> SessionData {
    data.lifetime = data.lifetime.used(now(), porte.config().lifetimes);
    data
}

/// Whether a use now is worth sealing `data` again.
pub(crate) fn wants_renewal(porte: &Porte, data: &SessionData) -> bool {
    data.lifetime.wants_renewal(now(), porte.config().lifetimes)
}

/// When `data`'s session ends under the configured lifetimes.
pub(crate) fn times(porte: &Porte, data: &SessionData) -> crate::SessionTimes {
    crate::SessionTimes::from(&data.lifetime.under(porte.config().lifetimes))
}
