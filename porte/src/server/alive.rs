//! Whether a session is still alive: not past its lifetimes, not ended (logout, a grant revoked
//! at the provider) on any instance. Every use of a session token goes through here.

use super::binding::BrowserBinding;
use super::error::AuthError;
use super::flow_cookie::unix_now;
use super::lifetime::Lifetime;
use super::session::SessionData;
use super::Porte;
use crate::SealedToken;

impl Porte {
    /// Opens a token this browser sent and checks the session is alive: within its lifetimes,
    /// and not in the revocation store. A store that cannot answer fails closed.
    pub(crate) async fn open_alive(
        &self,
        sealed: &SealedToken,
        binding: &BrowserBinding,
    ) -> Result<SessionData, AuthError> {
        let data = self.open_bound(sealed, binding)?;
        data.lifetime
            .check(now())
            .map_err(AuthError::SessionExpired)?;
        match self.0.revoked.is_revoked(&data.lifetime.session_id).await {
            Ok(false) => Ok(data),
            Ok(true) => Err(AuthError::SessionEnded),
            Err(e) => {
                tracing::warn!(error = %e, "revocation store unavailable: session refused");
                Err(AuthError::StoreUnavailable(e.to_string()))
            }
        }
    }

    /// Remembers, on every instance sharing the store, that this session ended, until it would
    /// have expired anyway.
    pub(crate) async fn revoke_session(&self, lifetime: &Lifetime) -> Result<(), AuthError> {
        self.0
            .revoked
            .revoke(&lifetime.session_id, lifetime.expires_at)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "revocation store unavailable: session not revoked");
                AuthError::StoreUnavailable(e.to_string())
            })
    }

    /// `data` used now: a later idle expiry, never past the absolute one.
    pub(crate) fn used(&self, mut data: SessionData) -> SessionData {
        data.lifetime = data.lifetime.used(now(), self.0.config.lifetimes);
        data
    }

    /// Whether a use now is worth sealing `data` again.
    pub(crate) fn wants_renewal(&self, data: &SessionData) -> bool {
        data.lifetime.wants_renewal(now(), self.0.config.lifetimes)
    }
}

/// Seconds since the Unix epoch (0 before it).
pub(crate) fn now() -> u64 {
    unix_now().max(0) as u64
}
