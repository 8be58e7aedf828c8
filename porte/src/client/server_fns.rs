//! Porte's own server functions, under `/api/porte/`: the start of a login, and a session token
//! restored or refreshed. The fourth, `end_session`, is in
//! `logout`: it is sent with [`SessionClient`](crate::SessionClient), whose calls wait for the
//! refreshes these make. They take JSON, which browsers cannot send cross-site without a CORS
//! preflight, and Porte's middleware refuses cross-site calls on top. Their bodies run on the
//! server (`crate::server`).

use crate::{Authorization, Error, LoginRequest, LoginStart, SealedToken};
use leptos::prelude::*;

/// Starts a login: returns the authorization URL and sets the encrypted flow cookie.
#[server(prefix = "/api/porte", endpoint = "start_login", input = leptos::server_fn::codec::Json)]
pub(crate) async fn start_login(request: LoginRequest) -> Result<LoginStart, Error> {
    let (porte, parts) = crate::server::here()?;
    let cookies = crate::server::cookie_header(&parts);
    let started = crate::server::start_login(&porte, &request, cookies)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "login could not start");
            crate::server::answer(e)
        })?;
    for cookie in &started.cookies {
        crate::server::set_cookie(cookie);
    }
    Ok(started.start)
}

/// Restores a sign-in from a saved session token (Flet's `saved_token`); only the browser it
/// was issued to (its binding cookie) can.
#[server(prefix = "/api/porte", endpoint = "restore_session", input = leptos::server_fn::codec::Json)]
pub(crate) async fn restore_session(sealed: SealedToken) -> Result<Authorization, Error> {
    let (porte, parts) = crate::server::here()?;
    crate::server::restore(&porte, &sealed, crate::server::cookie_header(&parts))
        .await
        .map_err(crate::server::answer)
}

/// Refreshes a session token (the leading tab calls it for every tab).
#[server(prefix = "/api/porte", endpoint = "refresh_session", input = leptos::server_fn::codec::Json)]
pub(crate) async fn refresh_session(sealed: SealedToken) -> Result<Authorization, Error> {
    let (porte, parts) = crate::server::here()?;
    crate::server::refresh(&porte, &sealed, crate::server::cookie_header(&parts))
        .await
        .map_err(crate::server::answer)
}
