//! A desktop app's login, from the webview's click to its result: the browser opened at the
//! provider, the webview waiting (one request held open), or cancelling.

use super::browser::{settle, Loopback, Waiting};
use super::listener;
use crate::server::error::AuthError;
use crate::server::login::flow::{bound_flow, BoundFlow, Started};
use crate::server::Porte;
use crate::{Completion, LoginRequest, LoginStart};
use cookie::Cookie;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Starts a login in the system browser: binds the redirect listener, opens the browser, and
/// returns the `state` the webview then waits on (and its binding cookie when it had none).
pub(crate) async fn start_login(
    porte: &Porte,
    loopback: &Loopback,
    request: &LoginRequest,
    cookie_header: Option<&str>,
) -> Result<Started, AuthError> {
    let port = loopback.browser.port;
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| {
            AuthError::InvalidRequest(format!(
                "The sign-in cannot listen on 127.0.0.1:{port} ({e}); is another sign-in waiting?"
            ))
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| AuthError::InvalidRequest(e.to_string()))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}{}", listener::CALLBACK_PATH);
    let BoundFlow {
        authorization_url,
        flow,
        binding,
        new_binding_cookie,
    } = bound_flow(porte, request, cookie_header, &redirect_uri, None).await?;
    let state = flow.state.clone();
    let result = Arc::new(watch::channel(None).0);
    loopback.waiting().insert(
        state.clone(),
        Waiting {
            browser: flow.browser.clone(),
            result: result.clone(),
        },
    );
    let login = listener::Login {
        porte: porte.clone(),
        flow,
        binding,
        redirect_uri,
        result,
    };
    tokio::spawn(listener::serve(listener, login, loopback.browser.timeout));
    if let Err(e) = loopback.open(&authorization_url) {
        tracing::warn!(error = %e, "the system browser could not be opened");
        finish(loopback, &state, Err(AuthError::SystemBrowser(e)));
        return Err(AuthError::SystemBrowser(
            "the system browser could not be opened".into(),
        ));
    }
    Ok(Started {
        start: LoginStart {
            authorization_url,
            state,
            in_system_browser: true,
        },
        cookies: new_binding_cookie.into_iter().collect(),
    })
}

/// How long one `await_login` request is held before it answers "still waiting" (and the page
/// asks again): well below the minute after which webviews and proxies may drop a request.
pub(crate) const AWAIT_SLICE: Duration = Duration::from_secs(25);

/// The login's result once the browser comes back (or it times out, or is cancelled), or
/// `None` when `slice` passes first: ask again. Only the webview that started the login may hear
/// it: the result holds its session token.
pub(crate) async fn await_login(
    porte: &Porte,
    loopback: &Loopback,
    state: &str,
    cookie_header: Option<&str>,
    slice: Duration,
) -> Option<Completion> {
    let none_pending = || Completion {
        state: Some(state.to_owned()),
        outcome: Err(AuthError::NoLoginPending.into()),
    };
    let https = porte.config().is_https();
    let Some(result) = loopback.result_for(state, cookie_header, https) else {
        return Some(none_pending());
    };
    let mut seen = result.subscribe();
    let completion = match tokio::time::timeout(slice, seen.wait_for(Option::is_some)).await {
        Err(_) => return None,
        Ok(Ok(done)) => done.clone(),
        Ok(Err(_)) => None,
    };
    loopback.waiting().remove(state);
    Some(completion.unwrap_or_else(none_pending))
}

/// Cancels `state`'s login (the app's Cancel button): its listener stops at once.
pub(crate) fn cancel_login(
    porte: &Porte,
    loopback: &Loopback,
    state: &str,
    cookie_header: Option<&str>,
) -> Result<(), AuthError> {
    let https = porte.config().is_https();
    if loopback.result_for(state, cookie_header, https).is_none() {
        return Err(AuthError::NoLoginPending);
    }
    finish(loopback, state, Err(AuthError::Cancelled));
    Ok(())
}

/// Settles `state`'s login with `outcome` unless it already has a result; the webview's
/// `await_login` gets it, and a result nobody asks for is dropped after a while.
fn finish(loopback: &Loopback, state: &str, outcome: Result<crate::Authorization, AuthError>) {
    if let Some(w) = loopback.waiting().get(state) {
        settle(&w.result, state, outcome);
    }
}

/// A provider logout ("logout everywhere") in a desktop app: the provider's page opens in the
/// system browser, where the provider's session lives, not in the webview; its return is
/// recognised by the state remembered here (the browser has no cookie of the webview's).
/// Answers what the webview gets: no URL to navigate to, no cookie.
pub(crate) fn open_provider_logout(
    loopback: &Loopback,
    url: Option<String>,
    state_cookie: Option<Cookie<'static>>,
) -> Result<(), AuthError> {
    let Some(url) = url else {
        return Ok(());
    };
    if let Some(c) = state_cookie {
        loopback.remember_logout(c.value().to_owned());
    }
    loopback.open(&url).map_err(|e| {
        tracing::warn!(error = %e, "the system browser could not be opened for the provider's logout");
        AuthError::SystemBrowser("the system browser could not be opened".into())
    })
}
