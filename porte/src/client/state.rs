//! The page's sign-in state, which every part of the client works on: the signals
//! [`Auth`](crate::Auth) shows ([`State`]), the app's event handlers, and the per-tab session
//! bookkeeping ([`SyncState`]); and the state of this page, for calls made outside any component.

use crate::web::timers::TimerHandle;
use crate::{Authorization, Error, LoginEvent, LogoutEvent, ProviderId, Providers, SealedToken};
use leptos::prelude::*;
use std::cell::Cell;

/// The app's `on_login` / `on_logout` handlers.
#[derive(Default)]
pub(crate) struct Handlers {
    pub(crate) on_login: Vec<Callback<LoginEvent>>,
    pub(crate) on_logout: Vec<Callback<LogoutEvent>>,
}

/// A call waiting for a provider's refreshed token.
pub(crate) type Waiter = futures::channel::oneshot::Sender<Result<SealedToken, Error>>;

/// A value per provider (a set with `()`). A page has a handful of providers, so a list: far
/// less wasm than a hash map or a B-tree for each value type.
#[derive(Clone, Debug)]
pub(crate) struct Slots<V>(Vec<(ProviderId, V)>);

impl<V> Default for Slots<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> Slots<V> {
    /// Sets `provider`'s value; the previous one, if any.
    pub(crate) fn insert(&mut self, provider: ProviderId, value: V) -> Option<V> {
        let old = self.remove(&provider);
        self.0.push((provider, value));
        old
    }

    /// Takes `provider`'s value out.
    pub(crate) fn remove(&mut self, provider: &ProviderId) -> Option<V> {
        let i = self.0.iter().position(|(p, _)| p == provider)?;
        Some(self.0.swap_remove(i).1)
    }

    /// Whether `provider` has a value.
    pub(crate) fn contains(&self, provider: &ProviderId) -> bool {
        self.0.iter().any(|(p, _)| p == provider)
    }

    /// `provider`'s value, inserted as the default when it has none.
    pub(crate) fn entry(&mut self, provider: ProviderId) -> &mut V
    where
        V: Default,
    {
        let i = match self.0.iter().position(|(p, _)| *p == provider) {
            Some(i) => i,
            None => {
                self.0.push((provider, V::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }
}

/// Per-tab session bookkeeping. Plain data (`Send`): the server creates and drops it on any
/// thread; the browser objects live in `web`.
#[derive(Default)]
pub(crate) struct SyncState {
    pub(crate) leader: bool,
    pub(crate) timers: Slots<TimerHandle>,
    pub(crate) refreshing: Slots<()>,
    pub(crate) remembered: Slots<()>,
    pub(crate) skew_secs: u64,
    pub(crate) waiters: Slots<Vec<Waiter>>,
    /// Timers that end sessions at their expiry.
    pub(crate) ends: Slots<TimerHandle>,
    /// Refreshes that failed in a row, per provider (for the back-off).
    pub(crate) failures: Slots<u32>,
    /// Whether logouts not recorded yet will be presented again soon.
    pub(crate) logout_retry: bool,
    /// Stored sessions still being restored.
    pub(crate) restoring: usize,
    /// The `state` of the login waiting for the system browser (a desktop app).
    pub(crate) system_login: Option<String>,
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
    /// The providers configured on the server, as sent with the page.
    pub(crate) providers: StoredValue<Result<Providers, Error>>,
}

impl State {
    /// A state with no sign-in, refreshing tokens `skew_secs` before they expire.
    pub(crate) fn new(skew_secs: u64, providers: Result<Providers, Error>) -> Self {
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
            providers: StoredValue::new(providers),
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
