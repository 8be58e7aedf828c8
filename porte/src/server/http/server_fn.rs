//! What Porte's server functions need from the request they answer: the [`Porte`] its middleware
//! put there, the cookies, and a way to set a cookie or the response's status.

use crate::server::cookie_header::set_cookie_value;
use crate::server::error::AuthError;
use crate::server::Porte;
use crate::{Error, ErrorCode, Providers};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;

/// The `Porte` and the request of the server function being run.
pub(crate) fn here() -> Result<(Porte, Parts), Error> {
    let parts = use_context::<Parts>()
        .ok_or_else(|| Error::new(ErrorCode::ServerError, Some("not inside a request".into())))?;
    Ok((porte_of(&parts)?, parts))
}

/// [`here`] for one of Porte's server functions, whose answer carries tokens: it is marked
/// `Cache-Control: no-store` as the function runs. Porte's middleware marks its answers too,
/// but a layer the app puts between its router and `.porte()` (a compression layer deciding by
/// `Cache-Control`) sees the answer before the middleware does.
pub(crate) fn answering() -> Result<(Porte, Parts), Error> {
    let here = here()?;
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(here)
}

/// The request's `Cookie` header.
pub(crate) fn cookie_header(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
}

/// The sessions the browser sent with the call (`SessionClient`).
pub(crate) fn sent_sessions(parts: &Parts) -> Vec<(crate::ProviderId, crate::SealedToken)> {
    parts
        .headers
        .get_all(crate::shared::wire::SESSION_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(crate::shared::wire::parse)
        .collect()
}

/// Adds a `Set-Cookie` to the server function's response.
pub(crate) fn set_cookie(cookie: &cookie::Cookie<'_>) {
    let options = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(options), Some(value)) = (options, set_cookie_value(cookie)) {
        options.append_header(header::SET_COOKIE, value);
    }
}

/// The error the browser gets for `e`, with its HTTP status on the response.
pub(crate) fn answer(e: AuthError) -> Error {
    respond(Error::from(e))
}

/// Gives the server function being run `error`'s status and headers (which the browser reads
/// it from), and returns it for its body.
fn respond(error: Error) -> Error {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST));
        for (name, value) in crate::server::http::refusal::error_headers(&error) {
            options.insert_header(name, value);
        }
    }
    error
}

/// The providers for the sign-in buttons, and where the no-JS form posts.
pub(crate) fn providers_for_page(porte: &Porte) -> Providers {
    let list = porte.providers();
    let setup_hint = (list.is_empty() && !porte.config().production)
        .then(|| crate::server::porte::NO_PROVIDER.to_owned());
    Providers {
        list,
        start_path: porte.config().path("start"),
        setup_hint,
        system_browser: porte.loopback().is_some(),
    }
}

/// 500 naming the mistake: the app did not mount Porte (or asked outside a request).
pub(crate) fn not_mounted(detail: &str) -> Error {
    respond(Error::new(
        ErrorCode::ServerError,
        Some(format!(
            "Porte is not mounted ({detail}): add `.porte(&porte)` to the Axum router after \
             `leptos_routes`"
        )),
    ))
}

/// The `Porte` that [`PorteRouter::porte`](crate::PorteRouter::porte) put into the request.
pub(crate) fn porte_of(parts: &Parts) -> Result<Porte, Error> {
    parts
        .extensions
        .get::<Porte>()
        .cloned()
        .ok_or_else(|| not_mounted("no Porte in the request"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_development_server_without_providers_tells_the_page_how_to_add_one() {
        let development = Porte::builder().production(false).build().unwrap();
        let hint = providers_for_page(&development).setup_hint.unwrap();
        assert!(hint.contains("OIDC_<NAME>_ISSUER"), "{hint}");

        let production = Porte::builder()
            .production(true)
            .secret_key("k".repeat(32))
            .build()
            .unwrap();
        assert_eq!(providers_for_page(&production).setup_hint, None);

        let configured = Porte::builder()
            .production(false)
            .provider(crate::providers::github("id", "secret"))
            .build()
            .unwrap();
        let page = providers_for_page(&configured);
        assert_eq!((page.list.len(), page.setup_hint), (1, None));
    }
}
