//! A login, from the click to its result: a saved session restored, or the sign-in window opened
//! (popup, new tab, this tab, or the app's own opener) and its result awaited; a same-tab
//! login's result picked up when the tab comes back; and cancelling.

use super::options::{LoginOptions, OpenMode};
use super::server_fns::{call, AwaitLogin, CancelLogin, RestoreSession, StartLogin};
use super::session::adopt;
use super::state::State;
use crate::web::login_window::{focus_pending, LoginWindow};
use crate::web::page::{
    current_path, leave_notice, navigate_here, take_notice, take_returned_completion,
};
use crate::web::popup_watch::{await_completion, cancel_pending};
use crate::{Authorization, Completion, Error, LoginEvent, LoginRequest, ProviderId};
use leptos::prelude::*;

/// Signs in with `provider`; see [`Auth::login`](crate::Auth::login).
pub(crate) fn login(state: State, provider: ProviderId, options: LoginOptions) {
    if state.pending.get_untracked().is_some() {
        // A login is in progress: bring its window forward instead of opening another.
        focus_pending();
        return;
    }
    state.error.set(None);
    let remember = options.remember_me;
    if let Some(saved) = options.saved_token {
        state.pending.set(Some(provider.clone()));
        leptos::task::spawn_local(async move {
            let outcome = call(&RestoreSession { sealed: saved }).await;
            complete(state, Some(provider), outcome, remember);
        });
        return;
    }
    let system_browser = state
        .providers
        .with_value(|p| p.as_ref().is_ok_and(|p| p.system_browser));
    if system_browser {
        return login_in_system_browser(state, provider, options);
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
            complete(state, Some(provider), Err(blocked), false);
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
        return_to: same_tab.then(|| {
            options
                .redirect_to_page
                .unwrap_or_else(|| current_path().unwrap_or_else(|| "/".into()))
        }),
    };
    state.pending.set(Some(provider.clone()));
    leptos::task::spawn_local(async move {
        match call(&StartLogin { request }).await {
            Ok(start) => {
                let done =
                    move |c: Completion| complete(state, Some(provider), c.outcome, remember);
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
                complete(state, Some(provider), Err(error), false);
            }
        }
    });
}

/// A desktop app: the server opens the system browser; this page waits for the result, which
/// comes within moments of the provider's redirect (one request held open, no polling).
fn login_in_system_browser(state: State, provider: ProviderId, options: LoginOptions) {
    let remember = options.remember_me;
    let request = LoginRequest {
        provider: provider.clone(),
        scope: options.scope,
        fetch_user: options.fetch_user,
        complete_page_html: options.complete_page_html,
        return_to: None,
    };
    state.pending.set(Some(provider.clone()));
    leptos::task::spawn_local(async move {
        let flow = match call(&StartLogin { request }).await {
            Ok(start) => start.state,
            Err(e) => return complete(state, Some(provider), Err(e), false),
        };
        state
            .sync
            .update_value(|s| s.system_login = Some(flow.clone()));
        let outcome = loop {
            let answer = call(&AwaitLogin {
                state: flow.clone(),
            })
            .await;
            // Cancelled meanwhile (or another login started): that one's result counts.
            if state
                .sync
                .with_value(|s| s.system_login.as_ref() != Some(&flow))
            {
                return;
            }
            match answer {
                // The server holds each request a while; no result yet: ask again.
                Ok(None) => continue,
                Ok(Some(c)) => break c.outcome,
                Err(e) => break Err(e),
            }
        };
        state.sync.update_value(|s| s.system_login = None);
        complete(state, Some(provider), outcome, remember);
    });
}

/// Stops waiting for the login in progress and closes its window (`on_login` gets
/// `cancelled`).
pub(crate) fn cancel(state: State) {
    if let Some(flow) = state
        .sync
        .try_update_value(|s| s.system_login.take())
        .flatten()
    {
        // The server stops the redirect listener; the answer changes nothing here.
        leptos::task::spawn_local(async move {
            let _ = call(&CancelLogin { state: flow }).await;
        });
    }
    cancel_pending();
    if state.pending.get_untracked().is_some() {
        let cancelled = Error::new("cancelled", Some("The sign-in was cancelled.".into()));
        complete(state, state.pending.get_untracked(), Err(cancelled), false);
    }
}

/// Picks up what this tab brought back from a navigation of its own: the notice left for it,
/// and the result of a same-tab login.
pub(crate) fn pick_up_return(state: State) {
    state.notice.set(take_notice());
    if let Some((c, remember)) = take_returned_completion() {
        let provider = c.outcome.as_ref().ok().map(|a| a.provider.id.clone());
        complete(state, provider, c.outcome, remember);
    }
}

/// The end of a login: the session taken, or the error shown and reported.
fn complete(
    state: State,
    provider: Option<ProviderId>,
    outcome: Result<Authorization, Error>,
    remember: bool,
) {
    state.pending.set(None);
    match outcome {
        Ok(a) => adopt(state, a, remember, true),
        Err(e) => {
            state.error.set(Some(e.clone()));
            state.fire_login(LoginEvent::failure(provider, &e));
        }
    }
}
