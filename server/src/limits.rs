//! Request-size limits, checked before anything parses the request: an oversized request gets a
//! 4xx that says what was too big, never a 500 or a silently ignored header.
//!
//! Browsers cap one cookie at 4 KiB; a few login flows in progress at once (each with its flow
//! cookie) stay far below [`MAX_COOKIE_BYTES`]. A bigger `Cookie` header is an attack or a broken
//! client, and answering 431 tells a real user what to clear.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The most bytes of `Cookie` header(s) accepted on one request.
pub const MAX_COOKIE_BYTES: usize = 32 * 1024;
/// The longest request target (path and query) accepted.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The refusal of a request over a limit: 414 for an oversized URL, 431 for oversized cookies.
pub fn refusal(request: &Request) -> Option<Response> {
    // The request target as sent (origin form: path and query), measured without copying it.
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri > MAX_URI_BYTES {
        tracing::warn!(bytes = uri, "request URL too long");
        return Some(refuse(
            StatusCode::URI_TOO_LONG,
            format!("The request URL is {uri} bytes long; the limit is {MAX_URI_BYTES}."),
        ));
    }
    let cookies: usize = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .map(|v| v.len())
        .sum();
    if cookies > MAX_COOKIE_BYTES {
        tracing::warn!(bytes = cookies, "cookie header too large");
        return Some(refuse(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "This browser sent {cookies} bytes of cookies; the limit is {MAX_COOKIE_BYTES}. \
                 Clear this site's cookies and try again."
            ),
        ));
    }
    None
}

fn refuse(status: StatusCode, message: String) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], message).into_response()
}
