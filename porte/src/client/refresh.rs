//! Refreshes asked for: by the app ([`Auth::refresh`](crate::Auth::refresh)), or by a call that
//! needs a fresh access token and waits for it. One leading tab refreshes for all tabs, so a
//! rotating refresh token is never presented twice; the scheduled refreshes are in `session`.

use super::message::{post, SyncMessage};
use super::session::refresh_now;
use super::state::State;
use crate::web::timers::{now_ms, set_timer};
use crate::{Authorization, Error, ErrorCode, ProviderId, SealedToken};
use leptos::prelude::*;

/// Refresh this long before the access token expires (at most a quarter of its lifetime).
pub(crate) const DEFAULT_REFRESH_SKEW_SECS: u64 = 60;
/// How long a call waits for a refreshed token before it goes with what it has.
const WAIT_FOR_REFRESH_MS: u32 = 15_000;

/// Whether the token of `a` has expired at `now_ms` and can be refreshed.
fn needs_refresh(a: &Authorization, now_ms: f64) -> bool {
    a.token.has_refresh_token
        && a.token
            .expires_at
            .is_some_and(|at| (at as f64) * 1000.0 <= now_ms)
}

/// Refreshes `provider`'s access token now: in this tab when it leads, else the leader is
/// asked to (the result reaches every tab).
pub(crate) fn request_refresh(state: State, provider: &ProviderId) {
    if state.sync.with_value(|s| s.leader) {
        refresh_now(state, provider.clone());
    } else {
        post(&SyncMessage::RefreshRequest(provider.clone()));
    }
}

/// Asks for a refresh of `provider` and waits for the new token (from whichever tab leads),
/// or for the session to end; gives up after 15 s.
pub(crate) async fn refreshed(state: State, provider: &ProviderId) -> Result<SealedToken, Error> {
    let (tx, rx) = futures::channel::oneshot::channel();
    match state.authorization(provider) {
        None => return Err(Error::new(ErrorCode::NotSignedIn, None)),
        // Nothing to refresh with: the call's `token_expired` stands.
        Some(a) if !a.token.has_refresh_token => {
            return Err(Error::new(ErrorCode::TokenExpired, None))
        }
        Some(_) => {}
    }
    state
        .sync
        .update_value(|s| s.waiters.entry(provider.clone()).push(tx));
    let id = provider.clone();
    set_timer(WAIT_FOR_REFRESH_MS, move || {
        // Dropping the senders ends the wait.
        state.sync.update_value(|s| {
            s.waiters.remove(&id);
        });
    });
    request_refresh(state, provider);
    rx.await
        .unwrap_or_else(|_| Err(Error::new(ErrorCode::TokenExpired, None)))
}

/// The sessions to send with a server-function call: every current one, after waiting for
/// the refresh of those whose access token has expired (a laptop that slept, a tab whose
/// timers were throttled).
pub(crate) async fn sessions_for_call(state: State) -> Vec<(ProviderId, SealedToken)> {
    let now = now_ms();
    let stale: Vec<ProviderId> = state
        .authorizations
        .get_untracked()
        .iter()
        .filter(|a| needs_refresh(a, now))
        .map(|a| a.provider.id.clone())
        .collect();
    for provider in stale {
        let _ = refreshed(state, &provider).await;
    }
    sessions(state)
}

/// The current sessions' tokens.
pub(crate) fn sessions(state: State) -> Vec<(ProviderId, SealedToken)> {
    state
        .authorizations
        .get_untracked()
        .into_iter()
        .map(|a| (a.provider.id, a.sealed))
        .collect()
}
