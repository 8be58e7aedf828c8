//! Porte's own server functions, under `/api/porte/`: the providers for the sign-in buttons, the
//! start of a login, and what happens to a session token afterwards (restore, refresh, logout).
//! They take JSON, which browsers cannot send cross-site without a CORS preflight, and Porte's
//! middleware refuses cross-site calls on top.

use crate::{Authorization, Error, LoginRequest, LoginStart, Providers, SealedToken};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The providers configured on the server, and where the no-JS sign-in form posts.
#[server(prefix = "/api/porte", endpoint = "list_providers")]
pub(crate) async fn list_providers() -> Result<Providers, Error> {
    let (porte, _) = crate::server::here()?;
    Ok(crate::server::providers_for_page(&porte))
}

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

/// What a logout answers: the provider's logout URL when asked for, the browser's other
/// sessions sealed for its new binding, and, when the end could not be recorded for the app's
/// other servers, why and the receipt to present again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct LoggedOut {
    pub(crate) provider_logout_url: Option<String>,
    pub(crate) resealed: Vec<Authorization>,
    pub(crate) unrecorded: Option<(Error, SealedToken)>,
}

/// Ends a session: its id everywhere (revocation store), its tokens at the provider (best
/// effort), gives the browser a new binding (the other sessions it sent come back sealed for
/// it), and, when asked, returns the provider's logout URL (its `state` goes into a cookie
/// checked on return). `sealed` may be a receipt of a logout not recorded yet: the record is
/// tried again.
#[server(prefix = "/api/porte", endpoint = "end_session", input = leptos::server_fn::codec::Json, client = crate::SessionClient)]
pub(crate) async fn end_session(
    sealed: SealedToken,
    provider_logout: bool,
) -> Result<LoggedOut, Error> {
    let (porte, parts) = crate::server::here()?;
    let cookies = crate::server::cookie_header(&parts);
    let out = crate::server::logout(&porte, &sealed, cookies, provider_logout)
        .await
        .map_err(crate::server::answer)?;
    if let Some(c) = &out.state_cookie {
        crate::server::set_cookie(c);
    }
    let mut resealed = Vec::new();
    if out.rebind {
        let others = crate::server::sent_sessions(&parts);
        let (binding, kept) =
            crate::server::rebind(&porte, cookies, others).map_err(crate::server::answer)?;
        crate::server::set_cookie(&binding);
        resealed = kept;
    }
    let unrecorded = out.unrecorded.map(|receipt| {
        let why = crate::server::AuthError::LogoutIncomplete("store unavailable".into());
        (Error::from(why), receipt)
    });
    Ok(LoggedOut {
        provider_logout_url: out.provider_logout_url,
        resealed,
        unrecorded,
    })
}

/// The providers configured on the server (and where the sign-in form posts before the wasm has
/// loaded), as a resource owned by the calling component; what
/// [`LoginButtons`](crate::LoginButtons) shows.
pub fn use_providers() -> Resource<Result<Providers, Error>> {
    // Not shared through context: a context outlives the component that provided it in leptos
    // 0.8 (components own nothing), while its resource does not.
    Resource::new(|| (), |_| list_providers())
}
