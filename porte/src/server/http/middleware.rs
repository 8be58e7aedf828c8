//! The middleware [`PorteRouter::porte`](crate::PorteRouter::porte) wraps the app in:
//!
//! - it puts the [`Porte`] into every request, where Porte's server functions, [`Session`]
//!   (crate::Session) and [`require_session`](crate::require_session) find it;
//! - it refuses state-changing requests from other sites to server functions (Porte's and the
//!   app's, under the server-function prefix) and to the no-JS sign-in form: a browser says where
//!   a request comes from (`Sec-Fetch-Site`, `Origin`), and only the app's own origin passes
//!   (login CSRF, session CSRF; SameSite=Lax alone does not stop a top-level form post);
//! - it marks Porte's own server-function answers `Cache-Control: no-store` (they carry
//!   tokens);
//! - it gives server-function failures the status and headers they deserve: an
//!   [`Error`](crate::Error) answered with leptos' default 500 gets its code's status (401, 403,
//!   502, …), every such error its `x-porte-error` headers (which Porte's client reads it from),
//!   and arguments that do not deserialize become 400 `invalid_request` with a clear sentence.

use crate::server::http::refusal::error_headers;
use crate::server::Porte;
use crate::shared::wire::ERROR_HEADER;
use crate::{Error, ErrorCode};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Where Porte's own server functions live (fixed at compile time by `#[server]`).
pub(crate) const PORTE_FN_PREFIX: &str = "/api/porte/";
/// Error bodies are small; anything bigger is passed through untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The middleware.
pub(crate) async fn protect(
    State(porte): State<Porte>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let config = &porte.config();
    let path_is_porte_fn = path.starts_with(PORTE_FN_PREFIX);
    let is_server_fn = path_is_porte_fn
        || under(path, &config.server_fn_prefix) && !under(path, &config.base_path);
    let guarded = is_server_fn || path == config.path("start");
    if guarded && request.method() != Method::GET && !same_site(request.headers(), &porte) {
        tracing::warn!(path = %path, "cross-site request refused");
        return cross_site_error().into_response();
    }
    let renewal = crate::server::http::refusal::Renewal::default();
    request.extensions_mut().insert(porte.clone());
    request.extensions_mut().insert(renewal.clone());
    let response = next.run(request).await;
    let undescribed = (response.status().is_client_error() || response.status().is_server_error())
        && !response.headers().contains_key(ERROR_HEADER);
    let mut response = if is_server_fn && undescribed {
        describe(response).await
    } else {
        response
    };
    renewal.apply(response.headers_mut());
    if path_is_porte_fn {
        // Porte's answers carry tokens: no cache or proxy keeps them, and an app's compression
        // can tell them apart (compressing a secret beside text a page can influence is the
        // BREACH side channel).
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether `path` is `prefix` or below it.
fn under(path: &str, prefix: &str) -> bool {
    prefix == "/"
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a request may change state here: same-origin by `Sec-Fetch-Site`, or an `Origin`
/// equal to the app's. Requests with neither header do not come from a browser (no victim's
/// cookies ride along) and pass.
pub(crate) fn same_site(headers: &HeaderMap, porte: &Porte) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match (text("sec-fetch-site"), text(header::ORIGIN.as_str())) {
        (Some(site), _) if site != "same-origin" && site != "none" => false,
        (_, Some(origin)) => origin == porte.config().origin_text(),
        _ => true,
    }
}

/// 403 `cross_site`.
pub(crate) fn cross_site_error() -> Error {
    Error::new(
        ErrorCode::CrossSite,
        Some("A request from another site was refused.".into()),
    )
}

/// Reads a failed server function's body; an [`Error`] in it gives the response its headers
/// (which Porte's client reads it from) and, in place of leptos' default 500, its code's
/// status. A body that is not known to be small is passed through untouched (reading part of
/// it would lose the rest).
async fn describe(response: Response) -> Response {
    use axum::body::HttpBody;
    let small = response
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= MAX_ERROR_BODY as u64);
    if !small {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(e) = serde_json::from_slice::<Error>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let description = e.description.clone().unwrap_or_default();
    if e.error == ErrorCode::ServerError && description.starts_with("error deserializing") {
        // The arguments did not deserialize: say so in words, not as a server error.
        let clear = Error::new(
            ErrorCode::InvalidRequest,
            Some(format!("Malformed request: {description}")),
        );
        parts.status = StatusCode::BAD_REQUEST;
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.extend(error_headers(&clear));
        let body = serde_json::to_string(&clear).unwrap_or_default();
        return Response::from_parts(parts, Body::from(body));
    }
    if parts.status == StatusCode::INTERNAL_SERVER_ERROR {
        parts.status =
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    parts.headers.extend(error_headers(&e));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(under("/api/notes", "/api"));
        assert!(under("/api", "/api"));
        assert!(!under("/apiary", "/api"));
        assert!(under("/anything", "/"));
    }

    #[test]
    fn only_this_origin_or_non_browsers_may_change_state() {
        let porte = Porte::builder()
            .production(false)
            .origin("https://app.example")
            .build()
            .unwrap();
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(same_site(&headers(&[]), &porte));
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &porte
        ));
        assert!(same_site(
            &headers(&[("origin", "https://app.example")]),
            &porte
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &porte
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            &porte
        ));
        assert!(!same_site(
            &headers(&[("origin", "https://evil.example")]),
            &porte
        ));
        assert!(!same_site(&headers(&[("origin", "null")]), &porte));
    }
}
