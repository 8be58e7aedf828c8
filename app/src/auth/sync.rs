//! Sessions that last: remembered tokens restored on load, tabs kept in agreement over a
//! BroadcastChannel, access tokens refreshed before they expire by one leading tab for all
//! tabs (so a rotating refresh token is never presented twice), and logout in every tab.

use crate::auth::browser::navigate_here;
use crate::auth::browser_session::{
    self as tabs, become_leader, clear_timer, forget_session, now_ms, set_timer, store_session,
    stored_sessions,
};
use crate::auth::client::{restore_session, Auth};
use crate::auth::{Authorization, LoginError, LoginEvent, LogoutEvent, ProviderId, SealedToken};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Refresh this long before the access token expires (at most a quarter of its lifetime).
pub const DEFAULT_REFRESH_SKEW_SECS: u64 = 60;
/// A refresh that failed for a passing reason is tried again after this long.
const RETRY_MS: u32 = 5_000;
/// Errors after which a refresh will never succeed: the session ends.
const FATAL: [&str; 6] = [
    "invalid_grant",
    "invalid_session",
    "bad_refresh_token",
    "invalid_client",
    "unauthorized_client",
    "unknown_provider",
];

/// Refreshes a session token (the leading tab calls it for every tab).
#[server(endpoint = "refresh_session", input = leptos::server_fn::codec::Json)]
pub async fn refresh_session(sealed: SealedToken) -> Result<Authorization, LoginError> {
    let cookies = crate::auth::client::request_cookies().await;
    crate::auth::client::auth_state()?
        .refresh(&sealed, cookies.as_deref())
        .await
        .map_err(LoginError::from)
}

/// Ends a session at the provider: revokes its tokens (best effort) and, when asked, returns
/// the provider's logout URL (its `state` goes into a cookie checked on return).
#[server(endpoint = "end_session", input = leptos::server_fn::codec::Json)]
pub async fn end_session(
    sealed: SealedToken,
    provider_logout: bool,
) -> Result<Option<String>, LoginError> {
    use axum::http::{header::SET_COOKIE, HeaderValue};
    let cookies = crate::auth::client::request_cookies().await;
    let out = crate::auth::client::auth_state()?
        .logout(&sealed, cookies.as_deref(), provider_logout)
        .await
        .map_err(LoginError::from)?;
    if let Some(c) = out.state_cookie {
        if let Ok(v) = HeaderValue::from_str(&c.encoded().to_string()) {
            expect_context::<leptos_axum::ResponseOptions>().append_header(SET_COOKIE, v);
        }
    }
    Ok(out.provider_logout_url)
}

/// One session as tabs share it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Shared {
    authorization: Authorization,
    remember: bool,
}

/// What tabs tell each other.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum SyncMessage {
    /// A new tab asks for the sessions of the others.
    Hello,
    /// The answer to `Hello`.
    Sessions { list: Vec<Shared> },
    /// A login completed in the sending tab.
    Login { session: Shared },
    /// The leader refreshed a token.
    Refreshed { session: Shared },
    /// A session ended in the sending tab.
    Logout {
        provider: ProviderId,
        reason: Option<String>,
    },
    /// A tab that is not the leader needs a fresh token now.
    RefreshRequest { provider: ProviderId },
}

/// Per-tab session bookkeeping. Plain data (`Send`): the server creates and drops it on any
/// thread; the browser objects live in `browser_session`.
#[derive(Default)]
pub(crate) struct SyncState {
    leader: bool,
    timers: HashMap<ProviderId, i32>,
    refreshing: BTreeSet<ProviderId>,
    remembered: BTreeSet<ProviderId>,
    skew_secs: u64,
}

impl SyncState {
    pub(crate) fn new(skew_secs: u64) -> Self {
        Self {
            skew_secs,
            ..Self::default()
        }
    }
}

impl Auth {
    /// Starts the session machinery in the browser: restore remembered sessions, join the
    /// tabs' channel, ask the other tabs for theirs, and compete for the refresh lead.
    pub(crate) fn start_sync(self) {
        tabs::open_channel(move |text| self.on_message(&text));
        self.post(&SyncMessage::Hello);
        for (provider, sealed) in stored_sessions() {
            leptos::task::spawn_local(async move {
                match restore_session(sealed).await {
                    Ok(a) => self.adopt(a, true, false),
                    Err(e) => {
                        forget_session(&provider);
                        self.error.set(Some(e.clone()));
                        self.fire_login(LoginEvent::failure(Some(provider), &e));
                    }
                }
            });
        }
        become_leader(move || {
            self.sync.update_value(|s| s.leader = true);
            for a in self.authorizations.get_untracked() {
                self.schedule(&a);
            }
        });
    }

    /// Takes a signed-in session: shows it, remembers it if asked, tells the other tabs
    /// (`announce`), schedules its refresh, fires `on_login`.
    pub(crate) fn adopt(self, a: Authorization, remember: bool, announce: bool) {
        let id = a.provider.id.clone();
        self.sync.update_value(|s| {
            if remember {
                s.remembered.insert(id.clone());
            } else {
                s.remembered.remove(&id);
            }
        });
        if remember {
            store_session(&id, &a.sealed);
        }
        if announce {
            let session = Shared {
                authorization: a.clone(),
                remember,
            };
            self.post(&SyncMessage::Login { session });
        }
        self.replace(a);
        self.fire_login(LoginEvent::success(Some(id)));
    }

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

    /// Signs out of `provider` in every tab, revokes its tokens at the provider, and with
    /// `provider_logout` also ends the provider's own session (the tab goes there and back).
    pub fn logout_with(&self, provider: &ProviderId, provider_logout: bool) {
        let Some(a) = self.authorization(provider) else {
            return;
        };
        self.end(provider, None, true);
        leptos::task::spawn_local(async move {
            match end_session(a.sealed, provider_logout).await {
                Ok(Some(url)) => navigate_here(&url, false),
                Ok(None) => {}
                Err(e) => leptos::logging::warn!("porte: logout at the provider failed: {e}"),
            }
        });
    }

    /// Ends a session in this tab (and tells the others when `announce`).
    fn end(self, provider: &ProviderId, reason: Option<String>, announce: bool) {
        forget_session(provider);
        self.sync.update_value(|s| {
            s.remembered.remove(provider);
            if let Some(t) = s.timers.remove(provider) {
                clear_timer(t);
            }
        });
        self.authorizations
            .update(|all| all.retain(|a| &a.provider.id != provider));
        if announce {
            self.post(&SyncMessage::Logout {
                provider: provider.clone(),
                reason: reason.clone(),
            });
        }
        let event = LogoutEvent {
            provider: provider.clone(),
            reason,
        };
        for h in self.handlers.with_value(|h| h.on_logout.clone()) {
            h.run(event.clone());
        }
    }

    fn on_message(self, text: &str) {
        let Ok(message) = serde_json::from_str::<SyncMessage>(text) else {
            return;
        };
        match message {
            SyncMessage::Hello => {
                let remembered = self.sync.with_value(|s| s.remembered.clone());
                let list: Vec<Shared> = self
                    .authorizations
                    .get_untracked()
                    .into_iter()
                    .map(|a| Shared {
                        remember: remembered.contains(&a.provider.id),
                        authorization: a,
                    })
                    .collect();
                if !list.is_empty() {
                    self.post(&SyncMessage::Sessions { list });
                }
            }
            SyncMessage::Sessions { list } => {
                for s in list {
                    if self.authorization(&s.authorization.provider.id).is_none() {
                        self.adopt(s.authorization, s.remember, false);
                    }
                }
            }
            SyncMessage::Login { session } => {
                self.adopt(session.authorization, session.remember, false)
            }
            SyncMessage::Refreshed { session } => self.replace(session.authorization),
            SyncMessage::Logout { provider, reason } => self.end(&provider, reason, false),
            SyncMessage::RefreshRequest { provider } => {
                if self.sync.with_value(|s| s.leader) {
                    self.refresh_now(provider);
                }
            }
        }
    }

    /// Shows `a` in place of the provider's previous authorization, and (leader) schedules
    /// its refresh.
    fn replace(self, a: Authorization) {
        self.schedule(&a);
        self.authorizations.update(|all| {
            match all.iter_mut().find(|x| x.provider.id == a.provider.id) {
                Some(slot) => *slot = a,
                None => all.push(a),
            }
        });
    }

    fn schedule(self, a: &Authorization) {
        let (leader, skew) = self.sync.with_value(|s| (s.leader, s.skew_secs));
        let (true, true, Some(at)) = (leader, a.token.has_refresh_token, a.token.expires_at) else {
            return;
        };
        let skew = skew.min(a.token.expires_in.unwrap_or(0) / 4);
        let due_ms = (at.saturating_sub(skew) as f64 * 1000.0 - now_ms()).max(0.0) as u32;
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

    fn refresh_now(self, provider: ProviderId) {
        let Some(a) = self.authorization(&provider) else {
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
                    let remember = self.sync.with_value(|s| s.remembered.contains(&provider));
                    if remember {
                        store_session(&provider, &fresh.sealed);
                    }
                    let session = Shared {
                        authorization: fresh.clone(),
                        remember,
                    };
                    self.post(&SyncMessage::Refreshed { session });
                    self.replace(fresh);
                }
                Err(e) if FATAL.contains(&e.error.as_str()) => {
                    let reason = format!("The session with {provider} ended: {e}");
                    self.end(&provider, Some(reason), true);
                }
                Err(e) => {
                    leptos::logging::warn!("porte: refresh of {provider} failed, retrying: {e}");
                    let timer = set_timer(RETRY_MS, {
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

    fn post(self, message: &SyncMessage) {
        tabs::post(&to_json(message));
    }

    pub(crate) fn fire_login(self, event: LoginEvent) {
        for h in self.handlers.with_value(|h| h.on_login.clone()) {
            h.run(event.clone());
        }
    }
}

fn to_json(message: &SyncMessage) -> String {
    serde_json::to_string(message).unwrap_or_default()
}
