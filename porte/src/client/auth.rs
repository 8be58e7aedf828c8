//! [`Auth`]: the login API for Leptos components (Flet's `page.login`, `page.auth`,
//! `page.on_login`, `page.logout`). Every method is here; the work is done in the modules beside
//! it, on the page's state.
//!
//! ```no_run
//! use porte::{Auth, LoginOptions, ProviderId};
//! use leptos::prelude::*;
//!
//! #[component]
//! fn LoginWithGitHub() -> impl IntoView {
//!     let auth = Auth::expect();
//!     auth.on_login(|e| if !e.is_ok() { leptos::logging::warn!("{}", e.error) });
//!     let github = ProviderId::parse("github").expect("a valid id");
//!     view! {
//!         <button on:click=move |_| auth.login(github.clone(),
//!             LoginOptions::new().scope(["public_repo"]))>"Login"</button>
//!     }
//! }
//! ```

use super::options::LoginOptions;
use super::refresh::{request_refresh, DEFAULT_REFRESH_SKEW_SECS};
use super::state::State;
use super::{login, logout, providers, sync};
use crate::{Authorization, Error, LoginEvent, LogoutEvent, ProviderId, Providers, UserProfile};
use leptos::prelude::*;
use std::fmt;

/// The page's sign-ins: one [`Authorization`] per provider, the login in progress, the last
/// error, and the `on_login` / `on_logout` events. Cheap to copy; provide it once.
#[derive(Clone, Copy)]
pub struct Auth {
    state: State,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth").finish_non_exhaustive()
    }
}

impl Auth {
    /// Creates the state and provides it as context, refreshing tokens
    /// 60 seconds (at most a quarter of their lifetime) before they expire.
    pub fn provide() -> Self {
        Self::provide_with_skew(DEFAULT_REFRESH_SKEW_SECS)
    }

    /// [`Auth::provide`] with another refresh skew. Once the page is hydrated: remembered
    /// sessions are restored, a same-tab login that just came back is picked up, and the tabs
    /// start sharing sessions and refreshes.
    pub fn provide_with_skew(refresh_skew_secs: u64) -> Self {
        let auth = Self {
            state: State::new(refresh_skew_secs, providers::sent_with_page()),
        };
        provide_context(auth);
        let state = auth.state;
        Effect::new(move |_| {
            login::pick_up_return(state);
            sync::start(state);
        });
        auth
    }

    /// The state provided by [`Auth::provide`] in an enclosing component.
    ///
    /// # Panics
    /// When no enclosing component called [`Auth::provide`] (a mistake in the app's code,
    /// found on its first render).
    pub fn expect() -> Self {
        use_context().expect("porte: call porte::Auth::provide() in your App component first")
    }

    /// Whether the stored sessions have been restored, i.e. whether the sign-in state is known
    /// (false on the server and on the first render in the browser).
    pub fn ready(&self) -> Signal<bool> {
        self.state.ready.into()
    }

    /// Signed in (with `provider`, when given); `None` while not known yet (reactive).
    pub fn signed_in_with(&self, provider: Option<&str>) -> Option<bool> {
        if !self.state.ready.get() {
            return None;
        }
        Some(self.state.authorizations.with(|all| {
            all.iter()
                .any(|a| provider.is_none_or(|p| a.provider.id.as_str() == p))
        }))
    }

    /// The user of the first sign-in, if any (reactive).
    pub fn user(&self) -> Option<UserProfile> {
        self.state
            .authorizations
            .with(|all| all.iter().find_map(|a| a.user.clone()))
    }

    /// Whether the user signed in with `provider` is in the group with id `group` (see
    /// [`Group`](crate::Group)); `None` while not known yet (reactive). Another provider's group
    /// of the same name never counts. The server's [`require_group`] decides; this only shapes
    /// the page.
    ///
    /// [`require_group`]: https://docs.rs/porte/latest/porte/fn.require_group.html
    pub fn in_group(&self, provider: &str, group: &str) -> Option<bool> {
        if !self.state.ready.get() {
            return None;
        }
        Some(self.state.authorizations.with(|all| {
            all.iter()
                .filter(|a| a.provider.id.as_str() == provider)
                .filter_map(|a| a.user.as_ref())
                .any(|u| u.groups.iter().any(|g| g.id == group))
        }))
    }

    /// The providers configured on the server, and where the sign-in form posts before the wasm
    /// has loaded: what [`LoginButtons`](crate::LoginButtons) shows. Sent with the page, so
    /// there is nothing to wait for (an error when the page was not rendered by Porte's server).
    pub fn providers(&self) -> Result<Providers, Error> {
        self.state.providers.get_value()
    }

    /// Every current sign-in (reactive).
    pub fn authorizations(&self) -> ReadSignal<Vec<Authorization>> {
        self.state.authorizations.read_only()
    }

    /// The sign-in with `provider`, if any (reactive).
    pub fn authorization(&self, provider: &ProviderId) -> Option<Authorization> {
        self.state.authorization(provider)
    }

    /// The provider a login is in progress with (reactive).
    pub fn pending(&self) -> ReadSignal<Option<ProviderId>> {
        self.state.pending.read_only()
    }

    /// A passing notice (e.g. "the popup was blocked, so the sign-in used this tab").
    pub fn notice(&self) -> RwSignal<Option<String>> {
        self.state.notice
    }

    /// The last login error, or why a session ended without the user asking (the provider
    /// revoked the grant, it expired, another tab saw it end), until dismissed or the next login.
    pub fn error(&self) -> RwSignal<Option<Error>> {
        self.state.error
    }

    /// Calls `f` after every login attempt (empty `error` on success).
    pub fn on_login(&self, f: impl Fn(LoginEvent) + Send + Sync + 'static) {
        self.state
            .handlers
            .update_value(|h| h.on_login.push(Callback::new(f)));
    }

    /// Calls `f` after every logout.
    pub fn on_logout(&self, f: impl Fn(LogoutEvent) + Send + Sync + 'static) {
        self.state
            .handlers
            .update_value(|h| h.on_logout.push(Callback::new(f)));
    }

    /// Signs in with `provider`. Call it from the click handler itself: the popup must open
    /// before any `.await`, or blockers stop it. One login at a time.
    pub fn login(&self, provider: ProviderId, options: LoginOptions) {
        login::login(self.state, provider, options);
    }

    /// Stops waiting for the login in progress and closes its window (`on_login` gets
    /// `cancelled`).
    pub fn cancel(&self) {
        login::cancel(self.state);
    }

    /// Signs out of `provider` in every tab and revokes its tokens at the provider (Flet's
    /// `page.logout()`, which did neither). See [`Auth::logout_with`] to end the provider's
    /// session too.
    pub fn logout(&self, provider: &ProviderId) {
        self.logout_with(provider, false);
    }

    /// Signs out of `provider` in every tab, revokes its tokens at the provider, and with
    /// `provider_logout` also ends the provider's own session (the tab goes there and back).
    pub fn logout_with(&self, provider: &ProviderId, provider_logout: bool) {
        logout::logout(self.state, provider, provider_logout);
    }

    /// Presents the receipts of logouts the server could not record again (at each page load,
    /// then every few seconds until each is recorded). Safe to call at any time.
    pub fn retry_logouts(&self) {
        logout::retry_logouts(self.state);
    }

    /// Refreshes `provider`'s access token now: in this tab when it leads, else the leader is
    /// asked to (the result reaches every tab).
    pub fn refresh(&self, provider: &ProviderId) {
        request_refresh(self.state, provider);
    }
}
