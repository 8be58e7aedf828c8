//! Sessions that last and tabs that agree: stored tokens restored on load (remembered ones from
//! local storage, the others from the tab's session storage, so a reload keeps the sign-in), the
//! tabs' channel joined and answered, and the refresh lead competed for.

use super::logout::retry_logouts;
use super::message::{post, Shared, SyncMessage};
use super::server_fns::{call, RestoreSession};
use super::session::{adopt, end, refresh_now, replace, schedule_refresh};
use super::state::{set_on_this_page, State};
use crate::shared::compact;
use crate::web::leader::become_leader;
use crate::web::storage::{forget_session, stored_sessions};
use crate::web::{channel, timers::set_timer};
use crate::{Authorization, LoginEvent};
use leptos::prelude::*;

/// With nothing stored, how long a new tab waits for its siblings' sessions before it shows
/// the signed-out state (they answer within milliseconds).
const SIBLINGS_WAIT_MS: u32 = 150;

/// Starts the session machinery in the browser: restore stored sessions, join the tabs'
/// channel, ask the other tabs for theirs, and compete for the refresh lead.
pub(crate) fn start(state: State) {
    set_on_this_page(state);
    channel::open_channel(move |bytes| on_message(state, &bytes));
    post(&SyncMessage::Hello);
    retry_logouts(state);
    let stored = stored_sessions();
    state.sync.update_value(|s| s.restoring = stored.len());
    if stored.is_empty() {
        set_timer(SIBLINGS_WAIT_MS, move || state.ready.set(true));
    }
    for (provider, sealed, remember) in stored {
        leptos::task::spawn_local(async move {
            match call(&RestoreSession { sealed }).await {
                // A sibling tab may have sent a newer copy meanwhile (it refreshed while this
                // restore was on its way): the stored token's refresh token is spent then.
                Ok(a) if newer(state, &a) => adopt(state, a, remember, false),
                Ok(_) => {}
                Err(e) => {
                    // A session that can never work again is forgotten; an outage (the
                    // session store, the network) keeps it for the next visit.
                    if e.error.ends_session() {
                        forget_session(&provider);
                    }
                    state.error.set(Some(e.clone()));
                    state.fire_login(LoginEvent::failure(Some(provider), &e));
                }
            }
            let left = state.sync.try_update_value(|s| {
                s.restoring = s.restoring.saturating_sub(1);
                s.restoring
            });
            if left == Some(0) {
                state.ready.set(true);
            }
        });
    }
    become_leader(move || {
        state.sync.update_value(|s| s.leader = true);
        for a in state.authorizations.get_untracked() {
            schedule_refresh(state, &a);
        }
    });
}

fn on_message(state: State, bytes: &[u8]) {
    let Some(message) = compact::from_bytes::<SyncMessage>(bytes) else {
        return;
    };
    match message {
        SyncMessage::Hello => {
            let remembered = state.sync.with_value(|s| s.remembered.clone());
            let list: Vec<Shared> = state
                .authorizations
                .get_untracked()
                .into_iter()
                .map(|a| Shared {
                    remember: remembered.contains(&a.provider.id),
                    authorization: a,
                })
                .collect();
            if !list.is_empty() {
                post(&SyncMessage::Sessions(list));
            }
        }
        SyncMessage::Sessions(list) => {
            for s in list {
                if newer(state, &s.authorization) {
                    adopt(state, s.authorization, s.remember, false);
                }
            }
            state.ready.set(true);
        }
        SyncMessage::Login(session) => adopt(state, session.authorization, session.remember, false),
        SyncMessage::Refreshed(session) => replace(state, session.authorization),
        SyncMessage::Logout(provider, why) => end(state, &provider, why, false),
        SyncMessage::RefreshRequest(provider) => {
            if state.sync.with_value(|s| s.leader) {
                refresh_now(state, provider);
            }
        }
    }
}

/// Whether `a` is newer than this tab's session with its provider (or there is none): its
/// access token expires later, i.e. it was refreshed since. Keeping an older copy would present
/// a spent refresh token at the next refresh, which ends the grant.
fn newer(state: State, a: &Authorization) -> bool {
    state
        .authorization(&a.provider.id)
        .is_none_or(|mine| a.token.expires_at > mine.token.expires_at)
}
