//! Porte's own server functions, under `/api/porte/`: the providers for the sign-in buttons, the
//! start of a login, and a session token restored or refreshed. The fifth, `end_session`, is in
//! `logout`: it is sent with [`SessionClient`](crate::SessionClient), whose calls wait for the
//! refreshes these make. They take JSON, which browsers cannot send cross-site without a CORS
//! preflight, and Porte's middleware refuses cross-site calls on top. Their bodies run on the
//! server (`crate::server`).

use crate::{Authorization, Error, LoginRequest, LoginStart, Providers, SealedToken};
use leptos::prelude::*;

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

/// The providers configured on the server (and where the sign-in form posts before the wasm has
/// loaded), as a resource owned by the calling component; what
/// [`LoginButtons`](crate::LoginButtons) shows.
pub fn use_providers() -> Resource<Result<Providers, Error>> {
    // Not shared through context: a context outlives the component that provided it in leptos
    // 0.8 (components own nothing), while its resource does not.
    Resource::new(|| (), |_| list_providers())
}

/// [`use_providers`] for Porte's own components: the same JSON, read as bytes.
pub(crate) fn providers() -> Resource<Result<Providers, Error>, BytesJson> {
    Resource::new_with_options(|| (), |_| list_providers(), false)
}

/// Leptos' JSON codec for a resource's value sent along with the page, but read as bytes
/// ([`parse_json`](crate::shared::wire::parse_json)): the same copy of the JSON parser as the
/// server functions' answers, where `serde_json::from_str` compiles a second one (≈ 10 KB of
/// wasm for the providers alone).
pub(crate) struct BytesJson;

impl<T: serde::Serialize> leptos::server::codee::Encoder<T> for BytesJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server::codee::Decoder<T> for BytesJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}
