//! The options of one login ([`LoginOptions`], built with its setters) and how its window opens
//! ([`OpenMode`]).

use crate::SealedToken;
use leptos::prelude::*;

/// How the authorization URL is opened.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
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

/// Options of one login (Flet's `page.login` arguments): [`LoginOptions::new`], then a setter
/// for each option that differs from its default.
///
/// ```
/// use porte::{LoginOptions, OpenMode};
/// let options = LoginOptions::new()
///     .scope(["public_repo"])
///     .open_mode(OpenMode::SameTab)
///     .remember(true);
/// assert!(options.remember_me && options.fetch_user);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
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

impl LoginOptions {
    /// The defaults: a popup, the user fetched, nothing remembered, same tab when the popup is
    /// blocked.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Extra scopes for this login (the field `scope`).
    #[must_use]
    pub fn scope(mut self, scope: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scope = scope.into_iter().map(Into::into).collect();
        self
    }

    /// Whether to fetch the user (the field `fetch_user`).
    #[must_use]
    pub fn fetch_user(mut self, fetch_user: bool) -> Self {
        self.fetch_user = fetch_user;
        self
    }

    /// Restores this saved session instead of signing in again (the field `saved_token`).
    #[must_use]
    pub fn saved_token(mut self, saved_token: SealedToken) -> Self {
        self.saved_token = Some(saved_token);
        self
    }

    /// How the authorization URL is opened (the field `open`).
    #[must_use]
    pub fn open_mode(mut self, open: OpenMode) -> Self {
        self.open = open;
        self
    }

    /// A custom completion page body (the field `complete_page_html`).
    #[must_use]
    pub fn complete_page_html(mut self, html: impl Into<String>) -> Self {
        self.complete_page_html = Some(html.into());
        self
    }

    /// Same tab: where to land afterwards (the field `redirect_to_page`).
    #[must_use]
    pub fn redirect_to_page(mut self, path: impl Into<String>) -> Self {
        self.redirect_to_page = Some(path.into());
        self
    }

    /// Whether to keep the session token across reloads and browser restarts
    /// (the field `remember_me`).
    #[must_use]
    pub fn remember(mut self, remember_me: bool) -> Self {
        self.remember_me = remember_me;
        self
    }

    /// Whether to continue in this tab when the browser blocks the popup
    /// (the field `fall_back_to_same_tab`).
    #[must_use]
    pub fn fall_back_to_same_tab(mut self, fall_back: bool) -> Self {
        self.fall_back_to_same_tab = fall_back;
        self
    }
}
