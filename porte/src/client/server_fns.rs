//! Porte's own server functions, under `/api/porte/`: the start of a login (and in a desktop
//! app, its result awaited or the login cancelled), and a session token restored or refreshed.
//! The last, `end_session`, is in `logout`: it is sent with the sessions
//! (`session_client`), so it waits for the refreshes these make. They take JSON, which browsers
//! cannot send cross-site without a CORS preflight, and Porte's middleware refuses cross-site
//! calls on top. Their bodies run on the server (`crate::server`).
//!
//! The browser calls them with [`call`], not with the functions leptos generates: those compile
//! a request, response and error codec of their own per function into every app's wasm, where
//! [`call`] reads every answer in the compact wire (`output = Compact`, see `shared::compact`)
//! and every error from its headers: the browser half parses no JSON.

use crate::shared::compact;
use crate::shared::wire::{decode_description, ERROR_DESCRIPTION_HEADER, ERROR_HEADER};
use crate::web::fetch::{bytes, fetch, json_request};
use crate::{Authorization, Completion, Error, LoginRequest, LoginStart, SealedToken};
use leptos::prelude::*;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

/// A call on its way: the answer's body, or why there is none. Boxed, so the sending and the
/// reading are in the wasm once, not once per server function.
pub(crate) type Answer = Pin<Box<dyn Future<Output = Result<Vec<u8>, Error>>>>;

/// Calls Porte's server function `A` with `args` from the browser.
pub(crate) async fn call<A>(args: &A) -> Result<A::Output, Error>
where
    A: ServerFn + Serialize,
    A::Output: DeserializeOwned,
{
    let path = A::PATH;
    let body = json(args);
    let sent: Answer =
        Box::pin(async move { answer(fetch(&request(path, &body)?, None).await).await });
    read(&sent.await?)
}

/// Server-function arguments as JSON, as leptos would send them.
pub(crate) fn json<A: Serialize>(args: &A) -> String {
    serde_json::to_string(args).unwrap_or_default()
}

/// The request that calls the server function at `path` with `body`.
pub(crate) fn request(path: &str, body: &str) -> Result<web_sys::Request, Error> {
    json_request(path, body).map_err(unsent)
}

/// The body of a server function's answer, or the error the server sent, or why there is
/// neither (in leptos' words, as its own client would say it).
pub(crate) async fn answer(sent: Result<web_sys::Response, String>) -> Result<Vec<u8>, Error> {
    let response = sent.map_err(unsent)?;
    if !response.ok() {
        return Err(refused(&response));
    }
    bytes(&response).await.map_err(unsent)
}

/// The error of a failed call, from its headers (`x-porte-error` and its description; the JSON
/// body says the same for other clients, and reading it would take a JSON parser), or its HTTP
/// status when it has none.
fn refused(response: &web_sys::Response) -> Error {
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    match header(ERROR_HEADER) {
        Some(code) => Error::new(
            code.as_str(),
            header(ERROR_DESCRIPTION_HEADER).map(|d| decode_description(&d)),
        ),
        None => {
            let status = format!("HTTP {} {}", response.status(), response.status_text());
            Error::from_server_fn_error(ServerFnErrorErr::Response(status))
        }
    }
}

/// A server function's value from its answer's body: every answer of Porte's server functions
/// is in the compact wire (`output = Compact`, see `shared::compact`).
pub(crate) fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    compact::from_bytes(body).ok_or_else(|| {
        Error::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "the server's answer is not what Porte expects".into(),
        ))
    })
}

fn unsent(e: String) -> Error {
    Error::from_server_fn_error(ServerFnErrorErr::Request(e))
}

/// Starts a login: returns the authorization URL and sets the encrypted flow cookie.
#[server(prefix = "/api/porte", endpoint = "start_login", input = leptos::server_fn::codec::Json,
    output = crate::shared::compact::Compact)]
pub(crate) async fn start_login(request: LoginRequest) -> Result<LoginStart, Error> {
    let (porte, parts) = crate::server::answering()?;
    let cookies = crate::server::cookie_header(&parts);
    let started = match porte.loopback() {
        Some(loopback) => {
            crate::server::start_system_login(&porte, loopback, &request, cookies).await
        }
        None => crate::server::start_login(&porte, &request, cookies).await,
    }
    .map_err(|e| {
        tracing::warn!(error = %e, "login could not start");
        crate::server::answer(e)
    })?;
    for cookie in &started.cookies {
        crate::server::set_cookie(cookie);
    }
    Ok(started.start)
}

/// A desktop app's login in the system browser: its result, once the browser came back (or the
/// login timed out or was cancelled), or `None` after a while without one: ask again. Only the
/// webview that started it gets it.
#[server(prefix = "/api/porte", endpoint = "await_login", input = leptos::server_fn::codec::Json,
    output = crate::shared::compact::Compact)]
pub(crate) async fn await_login(state: String) -> Result<Option<Completion>, Error> {
    let (porte, parts) = crate::server::answering()?;
    let Some(loopback) = porte.loopback() else {
        return Err(crate::server::answer(
            crate::server::AuthError::NoLoginPending,
        ));
    };
    let cookies = crate::server::cookie_header(&parts);
    let slice = crate::server::AWAIT_SLICE;
    Ok(crate::server::await_login(&porte, loopback, &state, cookies, slice).await)
}

/// Cancels a desktop app's login in the system browser: its redirect listener stops.
#[server(prefix = "/api/porte", endpoint = "cancel_login", input = leptos::server_fn::codec::Json,
    output = crate::shared::compact::Compact)]
pub(crate) async fn cancel_login(state: String) -> Result<(), Error> {
    let (porte, parts) = crate::server::answering()?;
    let loopback = porte
        .loopback()
        .ok_or_else(|| crate::server::answer(crate::server::AuthError::NoLoginPending))?;
    let cookies = crate::server::cookie_header(&parts);
    crate::server::cancel_login(&porte, loopback, &state, cookies).map_err(crate::server::answer)
}

/// Restores a sign-in from a saved session token (Flet's `saved_token`); only the browser it
/// was issued to (its binding cookie) can.
#[server(prefix = "/api/porte", endpoint = "restore_session", input = leptos::server_fn::codec::Json,
    output = crate::shared::compact::Compact)]
pub(crate) async fn restore_session(sealed: SealedToken) -> Result<Authorization, Error> {
    let (porte, parts) = crate::server::answering()?;
    crate::server::restore(&porte, &sealed, crate::server::cookie_header(&parts))
        .await
        .map_err(crate::server::answer)
}

/// Refreshes a session token (the leading tab calls it for every tab).
#[server(prefix = "/api/porte", endpoint = "refresh_session", input = leptos::server_fn::codec::Json,
    output = crate::shared::compact::Compact)]
pub(crate) async fn refresh_session(sealed: SealedToken) -> Result<Authorization, Error> {
    let (porte, parts) = crate::server::answering()?;
    crate::server::refresh(&porte, &sealed, crate::server::cookie_header(&parts))
        .await
        .map_err(crate::server::answer)
}
