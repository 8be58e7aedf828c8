//! The redirect listener of one system-browser login: `GET /callback` with this login's `state`
//! finishes it, once; anything else (the browser's `/favicon.ico`, another path, a stray
//! `state`) is refused and leaves the login waiting. It stops when the login has a result, or
//! after the timeout.

use crate::server::error::AuthError;
use crate::server::login::flow;
use crate::server::login::flow_cookie::PendingLogin;
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::session::binding::BrowserBinding;
use crate::server::Porte;
use crate::Completion;
use axum::extract::RawQuery;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Mutex};

/// The one path the listener answers.
pub(super) const CALLBACK_PATH: &str = "/callback";

/// What finishing the login takes; the first matching callback takes it.
pub(super) struct Login {
    pub porte: Porte,
    pub flow: PendingLogin,
    pub binding: BrowserBinding,
    pub redirect_uri: String,
    pub result: Arc<watch::Sender<Option<Completion>>>,
}

/// Serves the callback until the login has a result (or `timeout` passes: `login_timed_out`).
pub(super) async fn serve(listener: tokio::net::TcpListener, login: Login, timeout: Duration) {
    let state = login.flow.state.clone();
    let porte = login.porte.clone();
    let result = login.result.clone();
    let slot = Arc::new(Mutex::new(Some(login)));
    let app = axum::Router::new()
        .route(
            CALLBACK_PATH,
            axum::routing::get(move |RawQuery(raw): RawQuery| callback(slot.clone(), raw)),
        )
        .fallback(|| async { page(StatusCode::NOT_FOUND, "Not found", "") });
    let mut done = result.subscribe();
    let stop = async move {
        let _ = done.wait_for(Option::is_some).await;
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(stop);
    if tokio::time::timeout(timeout, server).await.is_err() {
        let waited = AuthError::BrowserTimedOut(timeout);
        super::browser::settle(&result, &state, Err(waited));
    }
    // The webview normally asks at once; a result nobody asks for is not kept forever.
    tokio::spawn(forget_later(porte, state));
}

async fn callback(slot: Arc<Mutex<Option<Login>>>, raw: Option<String>) -> Response {
    let query = RedirectQuery::parse(raw.as_deref().unwrap_or(""));
    let mut slot = slot.lock().await;
    let Some(login) = slot.as_ref() else {
        return page(
            StatusCode::GONE,
            "Sign-in already finished",
            "Return to the app.",
        );
    };
    if query.state.as_deref() != Some(login.flow.state.as_str()) {
        tracing::warn!("the sign-in listener got a request without this login's state: ignored");
        return page(
            StatusCode::BAD_REQUEST,
            "Not this sign-in",
            "This is not the sign-in the app is waiting for. Start again from the app.",
        );
    }
    let Some(login) = slot.take() else {
        return page(StatusCode::GONE, "Sign-in already finished", "");
    };
    let outcome = flow::finish(
        &login.porte,
        &query,
        &login.flow,
        &login.binding,
        &login.redirect_uri,
    )
    .await;
    let shown = match &outcome {
        Ok(_) => page(
            StatusCode::OK,
            "Signed in",
            "You can close this tab and return to the app.",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "login not completed");
            let error = crate::Error::from(e.clone());
            let why = error.description.unwrap_or(error.error.to_string());
            page(
                StatusCode::OK,
                "Sign-in not completed",
                &format!("{why} Return to the app."),
            )
        }
    };
    super::browser::settle(&login.result, &login.flow.state, outcome);
    shown
}

/// A small page for the browser tab; it never holds a token. The URL that brought it holds the
/// code, so the page sends no referrer and is not stored.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let (title, text) = (title.to_owned(), text.to_owned());
    let body = view! {
        <main style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto">
            <h1>{title.clone()}</h1>
            <p>{text}</p>
        </main>
    }
    .to_html();
    let title = view! { <title>{title}</title> }.to_html();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{title}</head>\
         <body>{body}</body></html>"
    );
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        axum::response::Html(html),
    )
        .into_response()
}

/// Forgets a login whose result nobody asked for within [`super::browser::KEEP_RESULT`].
async fn forget_later(porte: Porte, state: String) {
    tokio::time::sleep(super::browser::KEEP_RESULT).await;
    if let Some(loopback) = porte.loopback() {
        loopback.waiting().remove(&state);
    }
}
