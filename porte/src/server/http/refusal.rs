//! How a request's session refusal, or its renewal, reaches the response: the status and the
//! `x-porte-error` / `x-porte-provider` headers SessionClient acts on, and the session sealed
//! again (`x-porte-renewed`) when a use moved its idle expiry. Server functions and Axum
//! handlers (the [`Session`](crate::Session) extractor) go through the same two paths.

use crate::shared::wire::{
    encode_description, ERROR_DESCRIPTION_HEADER, ERROR_HEADER, PROVIDER_HEADER, RENEWED_HEADER,
};
use crate::{Error, ProviderId};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex, PoisonError};

/// Why a request's session was refused, and for which provider (the browser refreshes that one
/// on `token_expired`).
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) error: Error,
    pub(crate) provider: Option<ProviderId>,
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        Self {
            error,
            provider: None,
        }
    }
}

impl From<crate::server::AuthError> for Refusal {
    fn from(e: crate::server::AuthError) -> Self {
        Self::from(Error::from(e))
    }
}

/// `x-porte-error: <code>` and, when it has one, `x-porte-error-description`: the error as the
/// browser reads it (the body says the same in JSON).
pub(crate) fn error_headers(error: &Error) -> Vec<(header::HeaderName, HeaderValue)> {
    let code = HeaderValue::from_str(error.error.as_str()).ok();
    let description = error
        .description
        .as_deref()
        .and_then(|d| HeaderValue::from_str(&encode_description(d)).ok());
    [
        (ERROR_HEADER, code),
        (ERROR_DESCRIPTION_HEADER, description),
    ]
    .into_iter()
    .filter_map(|(name, v)| Some((header::HeaderName::from_static(name), v?)))
    .collect()
}

impl Refusal {
    /// The error's headers and, when known, `x-porte-provider: <id>`.
    fn headers(&self) -> Vec<(header::HeaderName, HeaderValue)> {
        let provider = self
            .provider
            .as_ref()
            .and_then(|p| HeaderValue::from_str(p.as_str()).ok())
            .map(|v| (header::HeaderName::from_static(PROVIDER_HEADER), v));
        error_headers(&self.error)
            .into_iter()
            .chain(provider)
            .collect()
    }

    /// Gives the server function being run this refusal's status and headers.
    pub(crate) fn respond(&self) {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let status = StatusCode::from_u16(self.error.status());
            options.set_status(status.unwrap_or(StatusCode::UNAUTHORIZED));
            for (name, value) in self.headers() {
                options.insert_header(name, value);
            }
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let headers = self.headers();
        let mut response = self.error.into_response();
        // `insert`, not `extend`: the error's own response has the code header already.
        for (name, value) in headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// An error as an HTTP response: its status, its JSON body, and the same in the headers
/// `x-porte-error` and `x-porte-error-description` (percent-encoded), which Porte's client
/// reads.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let headers = error_headers(&self);
        let mut response = (status, axum::Json(&self)).into_response();
        for (name, value) in headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// Where a session renewed during a request waits for the response: Porte's middleware puts one
/// in every request and copies what it holds into `x-porte-renewed`.
#[derive(Clone, Default)]
pub(crate) struct Renewal(Arc<Mutex<Option<HeaderValue>>>);

impl Renewal {
    /// `<provider>=<token>;<idle expiry>`.
    pub(crate) fn keep(&self, provider: &ProviderId, sealed: &str, idle_until: u64) {
        if let Ok(v) = HeaderValue::from_str(&format!("{provider}={sealed};{idle_until}")) {
            *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(v);
        }
    }

    /// Adds the renewed session, if any, to the response's headers.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        if let Some(v) = self.0.lock().unwrap_or_else(PoisonError::into_inner).take() {
            headers.insert(header::HeaderName::from_static(RENEWED_HEADER), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn a_refusal_carries_its_code_once_and_its_provider() {
        let refusal = Refusal {
            error: Error::new(ErrorCode::NotSignedIn, None),
            provider: Some(ProviderId::parse("local").unwrap()),
        };
        let response = refusal.into_response();
        assert_eq!(response.status(), 401);
        let codes: Vec<_> = response.headers().get_all(ERROR_HEADER).iter().collect();
        assert_eq!(codes, ["not_signed_in"], "the code once, not twice");
        assert_eq!(response.headers()[PROVIDER_HEADER], "local");
    }

    #[test]
    fn a_renewal_is_applied_once() {
        let renewal = Renewal::default();
        renewal.keep(&ProviderId::parse("local").unwrap(), "p1.k.x", 42);
        let mut headers = HeaderMap::new();
        renewal.apply(&mut headers);
        assert_eq!(headers[RENEWED_HEADER], "local=p1.k.x;42");
        let mut again = HeaderMap::new();
        renewal.apply(&mut again);
        assert!(again.is_empty());
    }
}
