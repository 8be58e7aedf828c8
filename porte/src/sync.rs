//! Sessions that last: stored tokens restored on load (remembered ones from local storage, the
//! others from the tab's session storage, so a reload keeps the sign-in), tabs kept in agreement
//! over a BroadcastChannel, and logout in every tab. Refreshes are in `refresh.rs`.

use crate::auth::Auth;
use crate::browser::{leave_notice, navigate_here};
use crate::browser_session::{
    self as tabs, become_leader, clear_timer, forget_session, note_logout, pending_logouts,
    set_timer, store_session, stored_sessions, TimerHandle,
};
use crate::server_fns::{end_session, restore_session, LoggedOut};
use crate::types::parse_json;
use crate::{Authorization, Error, ErrorCode, LoginEvent, LogoutEvent, ProviderId, SealedToken};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};

/// With nothing stored, how long a new tab waits for its siblings' sessions before it shows
/// the signed-out state (they answer within milliseconds).
const SIBLINGS_WAIT_MS: u32 = 150;
/// A logout the server could not record is presented again this often while the page is open
/// (and at every page load).
const LOGOUT_RETRY_MS: u32 = 5_000;

/// One session as tabs share it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Shared {
    pub(crate) authorization: Authorization,
    pub(crate) remember: bool,
}

/// What tabs tell each other.
///
/// Externally tagged (serde's default): an internally tagged enum buffers the whole message and
/// compiles a second deserializer for every type inside it, ≈ 20 KB of wasm for nothing.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SyncMessage {
    /// A new tab asks for the sessions of the others.
    Hello,
    /// The answer to `Hello`.
    Sessions { list: Vec<Shared> },
    /// A login completed in the sending tab.
    Login { session: Shared },
    /// The leader refreshed a token.
    Refreshed { session: Shared },
    /// A session ended in the sending tab (`why` when it ended by itself).
    Logout {
        provider: ProviderId,
        why: Option<Error>,
    },
    /// A tab that is not the leader needs a fresh token now.
    RefreshRequest { provider: ProviderId },
}

/// A call waiting for a provider's refreshed token.
pub(crate) type Waiter = futures::channel::oneshot::Sender<Result<SealedToken, Error>>;

/// Per-tab session bookkeeping. Plain data (`Send`): the server creates and drops it on any
/// thread; the browser objects live in `browser_session`.
#[derive(Default)]
pub(crate) struct SyncState {
    pub(crate) leader: bool,
    pub(crate) timers: HashMap<ProviderId, TimerHandle>,
    pub(crate) refreshing: BTreeSet<ProviderId>,
    pub(crate) remembered: BTreeSet<ProviderId>,
    pub(crate) skew_secs: u64,
    pub(crate) waiters: HashMap<ProviderId, Vec<Waiter>>,
    /// Timers that end sessions at their expiry.
    pub(crate) ends: HashMap<ProviderId, TimerHandle>,
    /// Refreshes that failed in a row, per provider (for the back-off).
    pub(crate) failures: HashMap<ProviderId, u32>,
    /// Whether logouts not recorded yet will be presented again soon.
    logout_retry: bool,
    /// Stored sessions still being restored.
    restoring: usize,
}

impl SyncState {
    pub(crate) fn new(skew_secs: u64) -> Self {
        Self {
            skew_secs,
            ..Self::default()
        }
    }
}

thread_local! {
    /// The page's `Auth`, for server-function calls made outside any component.
    static PAGE_AUTH: Cell<Option<Auth>> = const { Cell::new(None) };
}

impl Auth {
    /// The `Auth` of this page, once its session machinery runs (in the browser).
    pub(crate) fn on_this_page() -> Option<Auth> {
        PAGE_AUTH.with(Cell::get)
    }

    /// Starts the session machinery in the browser: restore stored sessions, join the tabs'
    /// channel, ask the other tabs for theirs, and compete for the refresh lead.
    pub(crate) fn start_sync(self) {
        PAGE_AUTH.with(|a| a.set(Some(self)));
        tabs::open_channel(move |text| self.on_message(&text));
        self.post(&SyncMessage::Hello);
        self.retry_logouts();
        let stored = stored_sessions();
        self.sync.update_value(|s| s.restoring = stored.len());
        if stored.is_empty() {
            set_timer(SIBLINGS_WAIT_MS, move || self.ready.set(true));
        }
        for (provider, sealed, remember) in stored {
            leptos::task::spawn_local(async move {
                match restore_session(sealed).await {
                    // A sibling tab may have sent a newer copy meanwhile (it refreshed while this
                    // restore was on its way): the stored token's refresh token is spent then.
                    Ok(a) if self.newer(&a) => self.adopt(a, remember, false),
                    Ok(_) => {}
                    Err(e) => {
                        // A session that can never work again is forgotten; an outage (the
                        // session store, the network) keeps it for the next visit.
                        if e.error.ends_session() {
                            forget_session(&provider);
                        }
                        self.error.set(Some(e.clone()));
                        self.fire_login(LoginEvent::failure(Some(provider), &e));
                    }
                }
                let left = self.sync.try_update_value(|s| {
                    s.restoring = s.restoring.saturating_sub(1);
                    s.restoring
                });
                if left == Some(0) {
                    self.ready.set(true);
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

    /// Takes a signed-in session: shows it, stores it (local storage when remembered, the tab's
    /// session storage otherwise), tells the other tabs (`announce`), schedules its refresh,
    /// fires `on_login`.
    pub(crate) fn adopt(self, a: Authorization, remember: bool, announce: bool) {
        let id = a.provider.id.clone();
        self.sync.update_value(|s| {
            if remember {
                s.remembered.insert(id.clone());
            } else {
                s.remembered.remove(&id);
            }
        });
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

    /// Signs out of `provider` in every tab, revokes its tokens at the provider, and with
    /// `provider_logout` also ends the provider's own session (the tab goes there and back).
    pub fn logout_with(&self, provider: &ProviderId, provider_logout: bool) {
        let Some(a) = self.authorization(provider) else {
            return;
        };
        self.end(provider, None, true);
        let this = *self;
        leptos::task::spawn_local(async move {
            match end_session(a.sealed, provider_logout).await {
                Ok(out) => this.logged_out(out),
                Err(e) => leptos::logging::warn!("porte: logout at the server failed: {e}"),
            }
        });
    }

    /// The server's answer to a logout: the other sessions sealed for the browser's new binding;
    /// when the end could not be recorded for the app's other servers, the user is told and the
    /// receipt kept to present again; then the provider's logout page, when asked for.
    fn logged_out(self, out: LoggedOut) {
        for a in out.resealed {
            self.renewed(a);
        }
        if let Some((why, receipt)) = &out.unrecorded {
            note_logout(receipt, true);
            self.error.set(Some(why.clone()));
            self.retry_logouts_soon();
        }
        if let Some(url) = out.provider_logout_url {
            if let Some((why, _)) = &out.unrecorded {
                leave_notice(&why.to_string());
            }
            navigate_here(&url, false);
        }
    }

    /// Presents the receipts of logouts the server could not record again (at each page load,
    /// then every few seconds until each is recorded). Safe to call at any time.
    pub fn retry_logouts(&self) {
        let this = *self;
        for receipt in pending_logouts() {
            leptos::task::spawn_local(async move {
                let recorded = matches!(
                    end_session(receipt.clone(), false).await,
                    Ok(LoggedOut {
                        unrecorded: None,
                        ..
                    })
                );
                note_logout(&receipt, !recorded);
                if !recorded {
                    this.retry_logouts_soon();
                } else if pending_logouts().is_empty()
                    && this.error.with_untracked(|e| {
                        e.as_ref()
                            .is_some_and(|e| e.error == ErrorCode::LogoutIncomplete)
                    })
                {
                    this.error.set(None);
                }
            });
        }
    }

    fn retry_logouts_soon(self) {
        let scheduled = self
            .sync
            .try_update_value(|s| std::mem::replace(&mut s.logout_retry, true));
        if scheduled == Some(false) {
            set_timer(LOGOUT_RETRY_MS, move || {
                self.sync.update_value(|s| s.logout_retry = false);
                self.retry_logouts();
            });
        }
    }

    /// The server refused `provider`'s session for good (`why`): it ends in every tab.
    pub(crate) fn refused(self, provider: &ProviderId, why: Error) {
        self.end(provider, Some(why), true);
    }

    /// Ends a session in this tab (and tells the others when `announce`); `why` when it ended by
    /// itself rather than by a logout.
    pub(crate) fn end(self, provider: &ProviderId, why: Option<Error>, announce: bool) {
        forget_session(provider);
        if self.authorization(provider).is_none() {
            return;
        }
        let waiters = self.sync.try_update_value(|s| {
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
        self.authorizations
            .update(|all| all.retain(|a| &a.provider.id != provider));
        if announce {
            self.post(&SyncMessage::Logout {
                provider: provider.clone(),
                why: why.clone(),
            });
        }
        let event = LogoutEvent {
            provider: provider.clone(),
            reason: why
                .as_ref()
                .map(|e| format!("The session with {provider} ended: {e}")),
            code: why.map(|e| e.error),
        };
        for h in self.handlers.with_value(|h| h.on_logout.clone()) {
            h.run(event.clone());
        }
    }

    fn on_message(self, text: &str) {
        let Some(message) = parse_json::<SyncMessage>(text) else {
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
                    if self.newer(&s.authorization) {
                        self.adopt(s.authorization, s.remember, false);
                    }
                }
                self.ready.set(true);
            }
            SyncMessage::Login { session } => {
                self.adopt(session.authorization, session.remember, false)
            }
            SyncMessage::Refreshed { session } => self.replace(session.authorization),
            SyncMessage::Logout { provider, why } => self.end(&provider, why, false),
            SyncMessage::RefreshRequest { provider } => {
                if self.sync.with_value(|s| s.leader) {
                    self.refresh_now(provider);
                }
            }
        }
    }

    /// Whether `a` is newer than this tab's session with its provider (or there is none): its
    /// access token expires later, i.e. it was refreshed since. Keeping an older copy would present
    /// a spent refresh token at the next refresh, which ends the grant.
    fn newer(self, a: &Authorization) -> bool {
        self.authorization(&a.provider.id)
            .is_none_or(|mine| a.token.expires_at > mine.token.expires_at)
    }

    /// Takes `a`, sealed again by the server (new binding, later idle expiry), in every tab.
    pub(crate) fn renewed(self, a: Authorization) {
        if self.authorization(&a.provider.id).is_none() {
            return;
        }
        let remember = self
            .sync
            .with_value(|s| s.remembered.contains(&a.provider.id));
        self.post(&SyncMessage::Refreshed {
            session: Shared {
                authorization: a.clone(),
                remember,
            },
        });
        self.replace(a);
    }

    /// Shows `a` in place of the provider's previous authorization, keeps it in this tab's
    /// storage, wakes the calls waiting for it, and (leader) schedules its refresh.
    pub(crate) fn replace(self, a: Authorization) {
        let id = a.provider.id.clone();
        let (remember, waiters) = self
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
        self.schedule(&a);
        self.schedule_end(&a);
        self.authorizations.update(|all| {
            match all.iter_mut().find(|x| x.provider.id == a.provider.id) {
                Some(slot) => *slot = a,
                None => all.push(a),
            }
        });
    }

    pub(crate) fn post(self, message: &SyncMessage) {
        tabs::post(&serde_json::to_string(message).unwrap_or_default());
    }

    pub(crate) fn fire_login(self, event: LoginEvent) {
        for h in self.handlers.with_value(|h| h.on_login.clone()) {
            h.run(event.clone());
        }
    }
}
