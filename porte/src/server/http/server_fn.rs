//! What Porte's server functions need from the request they answer: the [`Porte`] its middleware
//! put there, the cookies, and a way to set a cookie or the response's status.

use crate::server::error::AuthError;
use crate::server::Porte;
use crate::{Error, ErrorCode, Providers};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;

/// The `Porte` and the request of the server function being run.
pub(crate) fn here() -> Result<(Porte, Parts), Error> {
    let parts = use_context::<Parts>()
        .ok_or_else(|| Error::new(ErrorCode::ServerError, Some("not inside a request".into())))?;
    Ok((crate::server::http::extract::porte_of(&parts)?, parts))
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
        .get_all(crate::session_header::SESSION_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(crate::session_header::parse)
        .collect()
}

/// Adds a `Set-Cookie` to the server function's response.
pub(crate) fn set_cookie(cookie: &cookie::Cookie<'_>) {
    let options = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(options), Ok(value)) = (
        options,
        HeaderValue::from_str(&cookie.encoded().to_string()),
    ) {
        options.append_header(header::SET_COOKIE, value);
    }
}

/// The error the browser gets for `e`, with its HTTP status on the response.
pub(crate) fn answer(e: AuthError) -> Error {
    let error = Error::from(e);
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST));
    }
    error
}

/// The providers for the sign-in buttons, and where the no-JS form posts.
pub(crate) fn providers_for_page(porte: &Porte) -> Providers {
    Providers {
        list: porte.providers(),
        start_path: porte.config().path("start"),
    }
}
