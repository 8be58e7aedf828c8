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
            .check(now(), self.0.config.lifetimes)
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

    /// Opens a token with a browser's binding. A key this server does not know is a retryable
    /// refusal when keys are configured (a rotation being deployed), final with the throw-away
    /// development key (a restart made it).
    pub(crate) fn open_bound(
        &self,
        sealed: &SealedToken,
        binding: &BrowserBinding,
    ) -> Result<SessionData, AuthError> {
        self.0.sealer.open(sealed, binding).map_err(|e| match e {
            SealError::UnknownKey if self.has_configured_secret() => {
                tracing::warn!("{}", AuthError::UnknownKey);
                AuthError::UnknownKey
            }
            other => AuthError::Session(other.to_string()),
        })
    }

    /// Seals `data` for a browser, within the session budget.
    pub(crate) fn seal(
        &self,
        data: &SessionData,
        binding: &BrowserBinding,
    ) -> Result<SealedToken, AuthError> {
        let sealed = self.0.sealer.seal(data, binding);
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
    pub(crate) async fn revoke_session(&self, lifetime: &Lifetime) -> Result<(), AuthError> {
        self.revoke_id(&lifetime.session_id, lifetime.expires_at)
            .await
    }

    /// [`Porte::revoke_session`] by id and absolute expiry (a logout receipt's).
    pub(crate) async fn revoke_id(&self, session_id: &str, until: u64) -> Result<(), AuthError> {
        self.0.revoked.revoke(session_id, until).await.map_err(|e| {
            tracing::warn!(error = %e, "revocation store unavailable: session not revoked");
            AuthError::StoreUnavailable(e.to_string())
        })
    }

    /// `data` used now: a later idle expiry, never past the absolute one, and the configured
    /// lifetimes applied.
    pub(crate) fn used(&self, mut data: SessionData) -> SessionData {
        data.lifetime = data.lifetime.used(now(), self.0.config.lifetimes);
        data
    }

    /// Whether a use now is worth sealing `data` again.
    pub(crate) fn wants_renewal(&self, data: &SessionData) -> bool {
        data.lifetime.wants_renewal(now(), self.0.config.lifetimes)
    }

    /// When `data`'s session ends under the configured lifetimes.
    pub(crate) fn times(&self, data: &SessionData) -> crate::SessionTimes {
        crate::SessionTimes::from(&data.lifetime.under(self.0.config.lifetimes))
    }
}
