//! [`Auth`]: the login API for Leptos components (Flet's `page.login`, `page.auth`,
//! `page.on_login`, `page.logout`).
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
//!         <button on:click=move |_| auth.login(github.clone(), LoginOptions {
//!             scope: vec!["public_repo".into()], ..LoginOptions::default() })>"Login"</button>
//!     }
//! }
//! ```

use crate::browser::{
    await_completion, cancel_pending, focus_pending, leave_notice, navigate_here, take_notice,
    take_returned_completion, LoginWindow,
};
use crate::server_fns::{restore_session, start_login};
use crate::sync::SyncState;
use crate::{Authorization, Error, LoginEvent, LoginRequest, LogoutEvent, ProviderId, SealedToken};
use leptos::prelude::*;

/// How the authorization URL is opened.
#[derive(Clone, Default)]
pub enum OpenMode {
    /// A centred popup (default); the page stays where it is.
    #[default]
    Popup,
    /// This tab goes to the provider and comes back to `redirect_to_page`.
    SameTab,
    /// A new tab, which closes itself when done.
    NewTab,
    /// The app opens the URL itself (Flet's `on_open_authorization_url`).
    Custom(Callback<String>),
}

/// Options of one login (Flet's `page.login` arguments).
#[derive(Clone)]
pub struct LoginOptions {
    /// Extra scopes for this login.
    pub scope: Vec<String>,
    /// Fetch the user (default true). The groups are the server's choice, per provider
    /// (`ProviderSpec::with_groups`): authorization never depends on what the page asks.
    pub fetch_user: bool,
    /// Restore this saved session instead of signing in again.
    pub saved_token: Option<SealedToken>,
    /// How the authorization URL is opened.
    pub open: OpenMode,
    /// A custom completion page body (HTML, at most 2 KB; scripts in it do not run).
    pub complete_page_html: Option<String>,
    /// Same tab: where to land afterwards (a same-origin path; default: the current page).
    pub redirect_to_page: Option<String>,
    /// Keep the session token in local storage, so the sign-in survives reloads and browser
    /// restarts (default false: this page and its sibling tabs only).
    pub remember_me: bool,
    /// When the browser blocks the popup (or new tab): continue in this tab (default true),
    /// or report `popup_blocked` through `on_login`.
    pub fall_back_to_same_tab: bool,
}

impl Default for LoginOptions {
    fn default() -> Self {
        Self {
            scope: Vec::new(),
            fetch_user: true,
            saved_token: None,
            open: OpenMode::Popup,
            complete_page_html: None,
            redirect_to_page: None,
            remember_me: false,
            fall_back_to_same_tab: true,
        }
    }
}

#[derive(Default)]
pub(crate) struct Handlers {
    pub(crate) on_login: Vec<Callback<LoginEvent>>,
    pub(crate) on_logout: Vec<Callback<LogoutEvent>>,
}

/// The page's sign-ins: one [`Authorization`] per provider, the login in progress, the last
/// error, and the `on_login` / `on_logout` events. Cheap to copy; provide it once.
#[derive(Clone, Copy)]
pub struct Auth {
    pub(crate) authorizations: RwSignal<Vec<Authorization>>,
    /// Stored sessions restored (or none to restore): until then signed-in state is unknown.
    pub(crate) ready: RwSignal<bool>,
    pending: RwSignal<Option<ProviderId>>,
    pub(crate) error: RwSignal<Option<Error>>,
    notice: RwSignal<Option<String>>,
    pub(crate) handlers: StoredValue<Handlers>,
    pub(crate) sync: StoredValue<SyncState>,
}

impl Auth {
    /// Creates the state and provides it as context, refreshing tokens
    /// 60 seconds (at most a quarter of their lifetime) before they expire.
    pub fn provide() -> Self {
        Self::provide_with_skew(crate::refresh::DEFAULT_REFRESH_SKEW_SECS)
    }

    /// [`Auth::provide`] with another refresh skew. Once the page is hydrated: remembered
    /// sessions are restored, a same-tab login that just came back is picked up, and the tabs
    /// start sharing sessions and refreshes.
    pub fn provide_with_skew(refresh_skew_secs: u64) -> Self {
        let auth = Self {
            authorizations: RwSignal::new(Vec::new()),
            ready: RwSignal::new(false),
            pending: RwSignal::new(None),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            handlers: StoredValue::new(Handlers::default()),
            sync: StoredValue::new(SyncState::new(refresh_skew_secs)),
        };
        provide_context(auth);
        Effect::new(move |_| {
            auth.notice.set(take_notice());
            if let Some((c, remember)) = take_returned_completion() {
                let provider = c.outcome.as_ref().ok().map(|a| a.provider.id.clone());
                auth.complete(provider, c.outcome, remember);
            }
            auth.start_sync();
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
        self.ready.into()
    }

    /// Signed in (with `provider`, when given); `None` while not known yet (reactive).
    pub fn signed_in_with(&self, provider: Option<&str>) -> Option<bool> {
        if !self.ready.get() {
            return None;
        }
        Some(self.authorizations.with(|all| {
            all.iter()
                .any(|a| provider.is_none_or(|p| a.provider.id.as_str() == p))
        }))
    }

    /// The user of the first sign-in, if any (reactive).
    pub fn user(&self) -> Option<crate::UserProfile> {
        self.authorizations
            .with(|all| all.iter().find_map(|a| a.user.clone()))
    }

    /// Whether the user signed in with `provider` is in the group with id `group` (see
    /// [`Group`](crate::Group)); `None` while not known yet (reactive). Another provider's group
    /// of the same name never counts. The server's [`require_group`] decides; this only shapes
    /// the page.
    ///
    /// [`require_group`]: https://docs.rs/porte/latest/porte/fn.require_group.html
    pub fn in_group(&self, provider: &str, group: &str) -> Option<bool> {
        if !self.ready.get() {
            return None;
        }
        Some(self.authorizations.with(|all| {
            all.iter()
                .filter(|a| a.provider.id.as_str() == provider)
                .filter_map(|a| a.user.as_ref())
                .any(|u| u.groups.iter().any(|g| g.id == group))
        }))
    }

    /// Every current sign-in (reactive).
    pub fn authorizations(&self) -> ReadSignal<Vec<Authorization>> {
        self.authorizations.read_only()
    }

    /// The sign-in with `provider`, if any (reactive).
    pub fn authorization(&self, provider: &ProviderId) -> Option<Authorization> {
        self.authorizations
            .with(|all| all.iter().find(|a| &a.provider.id == provider).cloned())
    }

    /// The provider a login is in progress with (reactive).
    pub fn pending(&self) -> ReadSignal<Option<ProviderId>> {
        self.pending.read_only()
    }

    /// A passing notice (e.g. "the popup was blocked, so the sign-in used this tab").
    pub fn notice(&self) -> RwSignal<Option<String>> {
        self.notice
    }

    /// Stops waiting for the login in progress and closes its window (`on_login` gets
    /// `cancelled`).
    pub fn cancel(&self) {
        cancel_pending();
        if self.pending.get_untracked().is_some() {
            let cancelled = Error::new("cancelled", Some("The sign-in was cancelled.".into()));
            self.complete(self.pending.get_untracked(), Err(cancelled), false);
        }
    }

    /// The last login error, until dismissed or the next login.
    pub fn error(&self) -> RwSignal<Option<Error>> {
        self.error
    }

    /// Calls `f` after every login attempt (empty `error` on success).
    pub fn on_login(&self, f: impl Fn(LoginEvent) + Send + Sync + 'static) {
        self.handlers
            .update_value(|h| h.on_login.push(Callback::new(f)));
    }

    /// Calls `f` after every logout.
    pub fn on_logout(&self, f: impl Fn(LogoutEvent) + Send + Sync + 'static) {
        self.handlers
            .update_value(|h| h.on_logout.push(Callback::new(f)));
    }

    /// Signs in with `provider`. Call it from the click handler itself: the popup must open
    /// before any `.await`, or blockers stop it. One login at a time.
    pub fn login(&self, provider: ProviderId, options: LoginOptions) {
        if self.pending.get_untracked().is_some() {
            // A login is in progress: bring its window forward instead of opening another.
            focus_pending();
            return;
        }
        self.error.set(None);
        let this = *self;
        let remember = options.remember_me;
        if let Some(saved) = options.saved_token {
            self.pending.set(Some(provider.clone()));
            leptos::task::spawn_local(async move {
                let outcome = restore_session(saved).await;
                this.complete(Some(provider), outcome, remember);
            });
            return;
        }
        let mut open = options.open;
        let mut window = match open {
            OpenMode::Popup => LoginWindow::open(),
            OpenMode::NewTab => LoginWindow::open_tab(),
            OpenMode::SameTab | OpenMode::Custom(_) => None,
        };
        let opens_window = matches!(open, OpenMode::Popup | OpenMode::NewTab);
        if opens_window && window.is_none() {
            if !options.fall_back_to_same_tab {
                let blocked = Error::new(
                    "popup_blocked",
                    Some("The browser blocked the sign-in window. Allow pop-ups for this site and try again.".into()),
                );
                self.complete(Some(provider), Err(blocked), false);
                return;
            }
            leave_notice(
                "Your browser blocked the sign-in window, so the sign-in continued in this tab.",
            );
            open = OpenMode::SameTab;
            window = None;
        }
        let same_tab = matches!(open, OpenMode::SameTab);
        let request = LoginRequest {
            provider: provider.clone(),
            scope: options.scope,
            fetch_user: options.fetch_user,
            complete_page_html: options.complete_page_html,
            return_to: same_tab.then(|| options.redirect_to_page.unwrap_or_else(current_path)),
        };
        self.pending.set(Some(provider.clone()));
        leptos::task::spawn_local(async move {
            match start_login(request).await {
                Ok(start) => {
                    let done = move |c: crate::Completion| {
                        this.complete(Some(provider), c.outcome, remember)
                    };
                    match (open, window) {
                        (OpenMode::SameTab, _) => navigate_here(&start.authorization_url, remember),
                        (OpenMode::Custom(opener), _) => {
                            opener.run(start.authorization_url.clone());
                            await_completion(None, start.state, done);
                        }
                        (_, Some(window)) => {
                            window.navigate(&start.authorization_url);
                            await_completion(Some(window), start.state, done);
                        }
                        (_, None) => {}
                    }
                }
                Err(error) => {
                    if let Some(w) = window {
                        w.close();
                    }
                    this.complete(Some(provider), Err(error), false);
                }
            }
        });
    }

    /// Signs out of `provider` in every tab and revokes its tokens at the provider (Flet's
    /// `page.logout()`, which did neither). See [`Auth::logout_with`] to end the provider's
    /// session too.
    pub fn logout(&self, provider: &ProviderId) {
        self.logout_with(provider, false);
    }

    fn complete(
        &self,
        provider: Option<ProviderId>,
        outcome: Result<Authorization, Error>,
        remember: bool,
    ) {
        self.pending.set(None);
        match outcome {
            Ok(a) => self.adopt(a, remember, true),
            Err(e) => {
                self.error.set(Some(e.clone()));
                self.fire_login(LoginEvent::failure(provider, &e));
            }
        }
    }
}

/// The current path, query and fragment (where a same-tab login returns by default).
fn current_path() -> String {
    crate::browser::current_path().unwrap_or_else(|| "/".into())
}
