//! A session's life in this tab: taken (shown, stored, told to the other tabs), its access token
//! refreshed before it expires by the leading tab, sealed again, and ended (by a logout, at its
//! expiry, or when the server refuses it for good). When a refresh is due, and the back-off of a
//! failed one.

use super::message::{post, Shared, SyncMessage};
use super::server_fns::{call, RefreshSession};
use super::state::State;
use crate::web::storage::{forget_session, store_session};
use crate::web::timers::{clear_timer, now_ms, set_timer};
use crate::{Authorization, Error, ErrorCode, LoginEvent, LogoutEvent, ProviderId};
use leptos::prelude::*;

/// A refresh that failed for a passing reason is tried again after this long, doubled after
/// each further failure up to [`MAX_RETRY_MS`] (a misconfigured client or a long outage is not
/// hammered every few seconds).
const RETRY_MS: u32 = 5_000;
const MAX_RETRY_MS: u32 = 300_000;

/// The wait before the refresh attempt that follows `failures` failed ones.
fn retry_delay_ms(failures: u32) -> u32 {
    RETRY_MS
        .saturating_mul(1u32 << failures.min(16))
        .min(MAX_RETRY_MS)
}

/// When to refresh a token that expires at `expires_at` (Unix seconds) and lived `expires_in`
/// seconds: `skew` seconds before, at most a quarter of its lifetime before, never in the past.
/// Milliseconds from `now_ms`; `None` when it does not expire.
fn refresh_due_ms(
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

/// Takes a signed-in session: shows it, stores it (local storage when remembered, the tab's
/// session storage otherwise), tells the other tabs (`announce`), schedules its refresh,
/// fires `on_login`.
pub(crate) fn adopt(state: State, a: Authorization, remember: bool, announce: bool) {
    let id = a.provider.id.clone();
    state.sync.update_value(|s| {
        if remember {
            s.remembered.insert(id.clone(), ());
        } else {
            s.remembered.remove(&id);
        }
    });
    if announce {
        let session = Shared {
            authorization: a.clone(),
            remember,
        };
        post(&SyncMessage::Login(session));
    }
    replace(state, a);
    state.fire_login(LoginEvent::success(Some(id)));
}

/// Shows `a` in place of the provider's previous authorization, keeps it in this tab's
/// storage, wakes the calls waiting for it, and (leader) schedules its refresh.
pub(crate) fn replace(state: State, a: Authorization) {
    let id = a.provider.id.clone();
    let (remember, waiters) = state
        .sync
        .try_update_value(|s| {
            let waiters = s.waiters.remove(&id).unwrap_or_default();
            (s.remembered.contains(&id), waiters)
        })
        .unwrap_or_default();
    store_session(&id, &a.sealed, remember);
    for w in waiters {
        let _ = w.send(Ok(a.sealed.clone()));
    }
    schedule_refresh(state, &a);
    schedule_end(state, &a);
    state.authorizations.update(|all| {
        match all.iter_mut().find(|x| x.provider.id == a.provider.id) {
            Some(slot) => *slot = a,
            None => all.push(a),
        }
    });
}

/// Takes `a`, sealed again by the server (new binding, later idle expiry), in every tab.
pub(crate) fn renewed(state: State, a: Authorization) {
    if state.authorization(&a.provider.id).is_none() {
        return;
    }
    let remember = state
        .sync
        .with_value(|s| s.remembered.contains(&a.provider.id));
    post(&SyncMessage::Refreshed(Shared {
        authorization: a.clone(),
        remember,
    }));
    replace(state, a);
}

/// Ends a session in this tab (and tells the others when `announce`); `why` when it ended by
/// itself rather than by a logout (e.g. the server refused it for good).
pub(crate) fn end(state: State, provider: &ProviderId, why: Option<Error>, announce: bool) {
    forget_session(provider);
    if state.authorization(provider).is_none() {
        return;
    }
    let waiters = state.sync.try_update_value(|s| {
        s.remembered.remove(provider);
        for timers in [&mut s.timers, &mut s.ends] {
            if let Some(t) = timers.remove(provider) {
                clear_timer(t);
            }
        }
        s.waiters.remove(provider).unwrap_or_default()
    });
    let ended = why
        .clone()
        .unwrap_or_else(|| Error::new(ErrorCode::SessionEnded, None));
    for w in waiters.into_iter().flatten() {
        let _ = w.send(Err(ended.clone()));
    }
    state
        .authorizations
        .update(|all| all.retain(|a| &a.provider.id != provider));
    if announce {
        post(&SyncMessage::Logout(provider.clone(), why.clone()));
    }
    state.fire_logout(LogoutEvent {
        provider: provider.clone(),
        reason: why
            .as_ref()
            .map(|e| format!("The session with {provider} ended: {e}")),
        code: why.map(|e| e.error),
    });
}

/// Ends `a`'s session in this tab when it expires (absolute or idle expiry, by this
/// browser's clock); a use that moves the idle expiry reschedules it. The server refuses the
/// session from then on anyway.
fn schedule_end(state: State, a: &Authorization) {
    let due = (a.session.ends_at() as f64 * 1000.0 - now_ms()).clamp(0.0, u32::MAX as f64);
    let id = a.provider.id.clone();
    let timer = set_timer(due as u32, {
        let id = id.clone();
        move || {
            let expired = Error::new(
                ErrorCode::SessionExpired,
                Some("The session expired. Sign in again.".into()),
            );
            end(state, &id, Some(expired), true);
        }
    });
    state.sync.update_value(|s| {
        if let Some(old) = s.ends.remove(&id) {
            clear_timer(old);
        }
        if let Some(t) = timer {
            s.ends.insert(id, t);
        }
    });
}

/// (Leader) schedules the refresh of `a`'s access token.
pub(crate) fn schedule_refresh(state: State, a: &Authorization) {
    let (leader, skew) = state.sync.with_value(|s| (s.leader, s.skew_secs));
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
        move || refresh_now(state, id)
    });
    state.sync.update_value(|s| {
        if let Some(old) = s.timers.remove(&id) {
            clear_timer(old);
        }
        if let Some(t) = timer {
            s.timers.insert(id, t);
        }
    });
}

/// (Leader) refreshes `provider`'s access token now, for every tab; a failure that ends
/// nothing is tried again with a back-off.
pub(crate) fn refresh_now(state: State, provider: ProviderId) {
    let Some(a) = state
        .authorization(&provider)
        .filter(|a| a.token.has_refresh_token)
    else {
        // Nothing to refresh with: whoever waits hears so now.
        let waiters = state
            .sync
            .try_update_value(|s| s.waiters.remove(&provider).unwrap_or_default());
        for w in waiters.into_iter().flatten() {
            let _ = w.send(Err(Error::new(ErrorCode::TokenExpired, None)));
        }
        return;
    };
    let busy = state
        .sync
        .try_update_value(|s| s.refreshing.insert(provider.clone(), ()).is_some());
    if busy != Some(false) {
        return;
    }
    leptos::task::spawn_local(async move {
        let result = call(&RefreshSession { sealed: a.sealed }).await;
        state.sync.update_value(|s| {
            s.refreshing.remove(&provider);
        });
        match result {
            Ok(fresh) => {
                leptos::logging::log!("porte: refreshed {provider}");
                state.sync.update_value(|s| {
                    s.failures.remove(&provider);
                });
                let remember = state.sync.with_value(|s| s.remembered.contains(&provider));
                let session = Shared {
                    authorization: fresh.clone(),
                    remember,
                };
                post(&SyncMessage::Refreshed(session));
                replace(state, fresh);
            }
            Err(e) if e.error.ends_session() => end(state, &provider, Some(e), true),
            Err(e) => {
                leptos::logging::warn!("porte: refresh of {provider} failed, retrying: {e}");
                let failures = state
                    .sync
                    .try_update_value(|s| {
                        let n = s.failures.entry(provider.clone());
                        *n += 1;
                        *n - 1
                    })
                    .unwrap_or_default();
                let timer = set_timer(retry_delay_ms(failures), {
                    let provider = provider.clone();
                    move || refresh_now(state, provider)
                });
                state.sync.update_value(|s| {
                    if let Some(t) = timer {
                        s.timers.insert(provider, t);
                    }
                });
            }
        }
    });
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
    fn failed_refreshes_back_off_to_five_minutes() {
        assert_eq!(retry_delay_ms(0), 5_000);
        assert_eq!(retry_delay_ms(1), 10_000);
        assert_eq!(retry_delay_ms(5), 160_000);
        assert_eq!(retry_delay_ms(6), 300_000);
        assert_eq!(retry_delay_ms(u32::MAX), 300_000);
    }
}
