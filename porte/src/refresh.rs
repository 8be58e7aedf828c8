//! Access tokens refreshed before they expire by one leading tab for all tabs (so a rotating
//! refresh token is never presented twice), and the calls that wait for a refresh.

use crate::auth::Auth;
use crate::browser_session::{clear_timer, now_ms, set_timer};
use crate::server_fns::refresh_session;
use crate::sync::{Shared, SyncMessage};
use crate::{Authorization, Error, ErrorCode, ProviderId, SealedToken};
use leptos::prelude::*;

/// Refresh this long before the access token expires (at most a quarter of its lifetime).
pub const DEFAULT_REFRESH_SKEW_SECS: u64 = 60;
/// A refresh that failed for a passing reason is tried again after this long, doubled after
/// each further failure up to [`MAX_RETRY_MS`] (a misconfigured client or a long outage is not
/// hammered every few seconds).
const RETRY_MS: u32 = 5_000;
const MAX_RETRY_MS: u32 = 300_000;
/// How long a call waits for a refreshed token before it goes with what it has.
const WAIT_FOR_REFRESH_MS: u32 = 15_000;

/// The wait before the refresh attempt that follows `failures` failed ones.
pub(crate) fn retry_delay_ms(failures: u32) -> u32 {
    RETRY_MS
        .saturating_mul(1u32 << failures.min(16))
        .min(MAX_RETRY_MS)
}

/// When to refresh a token that expires at `expires_at` (Unix seconds) and lived `expires_in`
/// seconds: `skew` seconds before, at most a quarter of its lifetime before, never in the past.
/// Milliseconds from `now_ms`; `None` when it does not expire.
pub(crate) fn refresh_due_ms(
    expires_at: Option<u64>,
    expires_in: Option<u64>,
    skew_secs: u64,
    now_ms: f64,
) -> Option<u32> {
    let at = expires_at?;
    let skew = skew_secs.min(expires_in.unwrap_or(0) / 4);
    let due = at.saturating_sub(skew) as f64 * 1000.0 - now_ms;
    Some(due.clamp(0.0, u32::MAX as f64) as u32)
}

/// Whether the token of `a` has expired at `now_ms` and can be refreshed.
fn needs_refresh(a: &Authorization, now_ms: f64) -> bool {
    a.token.has_refresh_token
        && a.token
            .expires_at
            .is_some_and(|at| (at as f64) * 1000.0 <= now_ms)
}

impl Auth {
    /// Refreshes `provider`'s access token now: in this tab when it leads, else the leader is
    /// asked to (the result reaches every tab).
    pub fn refresh(&self, provider: &ProviderId) {
        if self.sync.with_value(|s| s.leader) {
            self.refresh_now(provider.clone());
        } else {
            self.post(&SyncMessage::RefreshRequest {
                provider: provider.clone(),
            });
        }
    }

    /// Asks for a refresh of `provider` and waits for the new token (from whichever tab leads),
    /// or for the session to end; gives up after 15 s.
    pub(crate) async fn refreshed(self, provider: &ProviderId) -> Result<SealedToken, Error> {
        let (tx, rx) = futures::channel::oneshot::channel();
        match self.authorization(provider) {
            None => return Err(Error::new(ErrorCode::NotSignedIn, None)),
            // Nothing to refresh with: the call's `token_expired` stands.
            Some(a) if !a.token.has_refresh_token => {
                return Err(Error::new(ErrorCode::TokenExpired, None))
            }
            Some(_) => {}
        }
        self.sync
            .update_value(|s| s.waiters.entry(provider.clone()).or_default().push(tx));
        let id = provider.clone();
        set_timer(WAIT_FOR_REFRESH_MS, move || {
            // Dropping the senders ends the wait.
            self.sync.update_value(|s| {
                s.waiters.remove(&id);
            });
        });
        self.refresh(provider);
        rx.await
            .unwrap_or_else(|_| Err(Error::new(ErrorCode::TokenExpired, None)))
    }

    /// The sessions to send with a server-function call: every current one, after waiting for
    /// the refresh of those whose access token has expired (a laptop that slept, a tab whose
    /// timers were throttled).
    pub(crate) async fn sessions_for_call(self) -> Vec<(ProviderId, SealedToken)> {
        let now = now_ms();
        let stale: Vec<ProviderId> = self
            .authorizations
            .get_untracked()
            .iter()
            .filter(|a| needs_refresh(a, now))
            .map(|a| a.provider.id.clone())
            .collect();
        for provider in stale {
            let _ = self.refreshed(&provider).await;
        }
        self.sessions()
    }

    /// The current sessions' tokens.
    pub(crate) fn sessions(self) -> Vec<(ProviderId, SealedToken)> {
        self.authorizations
            .get_untracked()
            .into_iter()
            .map(|a| (a.provider.id, a.sealed))
            .collect()
    }

    /// Ends `a`'s session in this tab when it expires (absolute or idle expiry, by this
    /// browser's clock); a use that moves the idle expiry reschedules it. The server refuses the
    /// session from then on anyway.
    pub(crate) fn schedule_end(self, a: &Authorization) {
        let due = (a.session.ends_at() as f64 * 1000.0 - now_ms()).clamp(0.0, u32::MAX as f64);
        let id = a.provider.id.clone();
        let timer = set_timer(due as u32, {
            let id = id.clone();
            move || {
                let expired = Error::new(
                    ErrorCode::SessionExpired,
                    Some("The session expired. Sign in again.".into()),
                );
                self.end(&id, Some(expired), true);
            }
        });
        self.sync.update_value(|s| {
            if let Some(old) = s.ends.remove(&id) {
                clear_timer(old);
            }
            if let Some(t) = timer {
                s.ends.insert(id, t);
            }
        });
    }

    /// A call made with `sent` came back with that session sealed again (`x-porte-renewed`):
    /// keep it, unless the session moved on meanwhile (a refresh holds the newer refresh token).
    pub(crate) fn renewed_by_call(
        self,
        provider: &ProviderId,
        sent: &SealedToken,
        fresh: SealedToken,
        idle_until: u64,
    ) {
        let Some(mut a) = self.authorization(provider) else {
            return;
        };
        if &a.sealed != sent {
            return;
        }
        a.sealed = fresh;
        a.session.idle_until = idle_until;
        self.renewed(a);
    }

    /// (Leader) schedules the refresh of `a`'s access token.
    pub(crate) fn schedule(self, a: &Authorization) {
        let (leader, skew) = self.sync.with_value(|s| (s.leader, s.skew_secs));
        if !leader || !a.token.has_refresh_token {
            return;
        }
        let Some(due_ms) = refresh_due_ms(a.token.expires_at, a.token.expires_in, skew, now_ms())
        else {
            return;
        };
        let id = a.provider.id.clone();
        let timer = set_timer(due_ms, {
            let id = id.clone();
            move || self.refresh_now(id)
        });
        self.sync.update_value(|s| {
            if let Some(old) = s.timers.remove(&id) {
                clear_timer(old);
            }
            if let Some(t) = timer {
                s.timers.insert(id, t);
            }
        });
    }

    pub(crate) fn refresh_now(self, provider: ProviderId) {
        let Some(a) = self
            .authorization(&provider)
            .filter(|a| a.token.has_refresh_token)
        else {
            // Nothing to refresh with: whoever waits hears so now.
            let waiters = self
                .sync
                .try_update_value(|s| s.waiters.remove(&provider).unwrap_or_default());
            for w in waiters.into_iter().flatten() {
                let _ = w.send(Err(Error::new(ErrorCode::TokenExpired, None)));
            }
            return;
        };
        let busy = self
            .sync
            .try_update_value(|s| !s.refreshing.insert(provider.clone()));
        if busy != Some(false) {
            return;
        }
        leptos::task::spawn_local(async move {
            let result = refresh_session(a.sealed).await;
            self.sync.update_value(|s| {
                s.refreshing.remove(&provider);
            });
            match result {
                Ok(fresh) => {
                    leptos::logging::log!("porte: refreshed {provider}");
                    self.sync.update_value(|s| {
                        s.failures.remove(&provider);
                    });
                    let remember = self.sync.with_value(|s| s.remembered.contains(&provider));
                    let session = Shared {
                        authorization: fresh.clone(),
                        remember,
                    };
                    self.post(&SyncMessage::Refreshed { session });
                    self.replace(fresh);
                }
                Err(e) if e.error.ends_session() => self.end(&provider, Some(e), true),
                Err(e) => {
                    leptos::logging::warn!("porte: refresh of {provider} failed, retrying: {e}");
                    let failures = self
                        .sync
                        .try_update_value(|s| {
                            let n = s.failures.entry(provider.clone()).or_default();
                            *n += 1;
                            *n - 1
                        })
                        .unwrap_or_default();
                    let timer = set_timer(retry_delay_ms(failures), {
                        let provider = provider.clone();
                        move || self.refresh_now(provider)
                    });
                    self.sync.update_value(|s| {
                        if let Some(t) = timer {
                            s.timers.insert(provider, t);
                        }
                    });
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_is_due_a_skew_before_expiry_capped_at_a_quarter_of_the_lifetime() {
        let now = 1_000_000.0; // ms
                               // Expires in 3600 s, skew 60 s: due in 3540 s.
        assert_eq!(
            refresh_due_ms(Some(1000 + 3600), Some(3600), 60, now),
            Some(3_540_000)
        );
        // A 5 s token: a quarter of its life (1 s) before it expires, not 60 s.
        assert_eq!(refresh_due_ms(Some(1005), Some(5), 60, now), Some(4_000));
        // Already past due: now, never negative.
        assert_eq!(refresh_due_ms(Some(900), Some(60), 60, now), Some(0));
        // No expiry: nothing to schedule; unknown lifetime: no skew.
        assert_eq!(refresh_due_ms(None, Some(60), 60, now), None);
        assert_eq!(refresh_due_ms(Some(1010), None, 60, now), Some(10_000));
        // Far future: clamped, no overflow.
        assert_eq!(refresh_due_ms(Some(u64::MAX), None, 0, now), Some(u32::MAX));
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

    #[test]
    fn failed_refreshes_back_off_to_five_minutes() {
        assert_eq!(retry_delay_ms(0), 5_000);
        assert_eq!(retry_delay_ms(1), 10_000);
        assert_eq!(retry_delay_ms(5), 160_000);
        assert_eq!(retry_delay_ms(6), 300_000);
        assert_eq!(retry_delay_ms(u32::MAX), 300_000);
    }
}
