//! The page's sign-in state, which every part of the client works on: the signals
//! [`Auth`](crate::Auth) shows ([`State`]), the app's event handlers, and the per-tab session
//! bookkeeping ([`SyncState`]); and the state of this page, for calls made outside any component.

use crate::web::timers::TimerHandle;
use crate::{Authorization, Error, LoginEvent, LogoutEvent, ProviderId, SealedToken};
use leptos::prelude::*;
use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};

/// The app's `on_login` / `on_logout` handlers.
#[derive(Default)]
pub(crate) struct Handlers {
    pub(crate) on_login: Vec<Callback<LoginEvent>>,
    pub(crate) on_logout: Vec<Callback<LogoutEvent>>,
}

/// A call waiting for a provider's refreshed token.
pub(crate) type Waiter = futures::channel::oneshot::Sender<Result<SealedToken, Error>>;

/// Per-tab session bookkeeping. Plain data (`Send`): the server creates and drops it on any
/// thread; the browser objects live in `web`.
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
    pub(crate) logout_retry: bool,
    /// Stored sessions still being restored.
    pub(crate) restoring: usize,
}

/// The page's sign-ins: one [`Authorization`] per provider, the login in progress, the last
/// error, the notice, the handlers and the session bookkeeping. Cheap to copy.
#[derive(Clone, Copy)]
pub(crate) struct State {
    pub(crate) authorizations: RwSignal<Vec<Authorization>>,
    /// Stored sessions restored (or none to restore): until then signed-in state is unknown.
    pub(crate) ready: RwSignal<bool>,
    pub(crate) pending: RwSignal<Option<ProviderId>>,
    pub(crate) error: RwSignal<Option<Error>>,
    pub(crate) notice: RwSignal<Option<String>>,
    pub(crate) handlers: StoredValue<Handlers>,
    pub(crate) sync: StoredValue<SyncState>,
}

impl State {
    /// A state with no sign-in, refreshing tokens `skew_secs` before they expire.
    pub(crate) fn new(skew_secs: u64) -> Self {
        Self {
            authorizations: RwSignal::new(Vec::new()),
            ready: RwSignal::new(false),
            pending: RwSignal::new(None),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            handlers: StoredValue::new(Handlers::default()),
            sync: StoredValue::new(SyncState {
                skew_secs,
                ..SyncState::default()
            }),
        }
    }

    /// The sign-in with `provider`, if any (reactive).
    pub(crate) fn authorization(&self, provider: &ProviderId) -> Option<Authorization> {
        self.authorizations
            .with(|all| all.iter().find(|a| &a.provider.id == provider).cloned())
    }

    /// Tells the app's `on_login` handlers.
    pub(crate) fn fire_login(self, event: LoginEvent) {
        for h in self.handlers.with_value(|h| h.on_login.clone()) {
            h.run(event.clone());
        }
    }

    /// Tells the app's `on_logout` handlers; a session that ended by itself (not by the user's
    /// logout) also becomes the page's error, which [`LoginError`](crate::LoginError) shows.
    pub(crate) fn fire_logout(self, event: LogoutEvent) {
        if let Some(reason) = &event.reason {
            let code = event.code.clone().unwrap_or(crate::ErrorCode::SessionEnded);
            self.error.set(Some(Error::new(code, Some(reason.clone()))));
        }
        for h in self.handlers.with_value(|h| h.on_logout.clone()) {
            h.run(event.clone());
        }
    }
}

thread_local! {
    /// The page's state, for server-function calls made outside any component.
    static PAGE: Cell<Option<State>> = const { Cell::new(None) };
}

/// The state of this page, once its session machinery runs (in the browser).
pub(crate) fn on_this_page() -> Option<State> {
    PAGE.with(Cell::get)
}

/// Makes `state` the one [`on_this_page`] answers.
pub(crate) fn set_on_this_page(state: State) {
    PAGE.with(|p| p.set(Some(state)));
}
