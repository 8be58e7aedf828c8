//! Server functions answer every failure with HTTP 500 and a JSON `LoginError`. This middleware
//! gives each failure the status it deserves — 400 for a malformed or impossible request
//! (including arguments that do not deserialize: wrong content type, broken JSON), 401 for a
//! session token that cannot be used, 502 when the provider failed — so that bad input is a
//! clear 4xx, never a 500.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are small; anything bigger is passed through untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The status for one of Porte's error codes.
pub fn status_for(code: &str, description: &str) -> StatusCode {
    match code {
        "server_error" if description.starts_with("error deserializing") => StatusCode::BAD_REQUEST,
        "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
        "invalid_session" | "token_expired" => StatusCode::UNAUTHORIZED,
        "provider_unavailable"
        | "provider_api_failed"
        | "token_exchange_failed"
        | "userinfo_failed"
        | "groups_failed"
        | "invalid_id_token" => StatusCode::BAD_GATEWAY,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The middleware, for `/api/*` server functions.
pub async fn map_status(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_server_fn = path.starts_with("/api/") && !path.starts_with("/api/oauth/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: String,
        description: Option<String>,
    }
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(&bytes) {
        let description = e.description.unwrap_or_default();
        parts.status = status_for(&e.error, &description);
        if parts.status == StatusCode::BAD_REQUEST && e.error == "server_error" {
            // The arguments did not deserialize: say so in words, not as a server error.
            let clear = serde_json::json!({
                "error": "invalid_request",
                "description": format!("Malformed request: {description}"),
            });
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            parts.headers.remove(header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::from(clear.to_string()));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_are_4xx_and_provider_failures_502() {
        assert_eq!(
            status_for(
                "server_error",
                "error deserializing server function arguments"
            ),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(status_for("unknown_provider", ""), StatusCode::BAD_REQUEST);
        assert_eq!(status_for("invalid_session", ""), StatusCode::UNAUTHORIZED);
        assert_eq!(
            status_for("provider_unavailable", ""),
            StatusCode::BAD_GATEWAY
        );
        assert_eq!(
            status_for("server_error", "auth is not set up"),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
