//! Porte's Axum router driven in process (`tower::ServiceExt::oneshot`) through the public API
//! alone, as an app mounts it: what `.porte(&porte)` adds, the statuses server-function errors
//! get, the refusal of other sites, and the session extractor's rejections. These fail in a
//! second, before any browser starts.
#![cfg(feature = "ssr")]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use porte::{Error, ErrorCode, Porte, PorteRouter, Session};
use tower::ServiceExt;

const ORIGIN: &str = "http://127.0.0.1:3000";

fn porte() -> Porte {
    Porte::builder()
        .production(false)
        .origin(ORIGIN)
        .build()
        .expect("a development configuration builds")
}

/// An app with a server function that fails the way leptos reports it (500 with the error as
/// JSON), one that echoes, and two handlers that use the extractor.
fn app(porte: &Porte) -> Router {
    let fail = |e: Error| {
        move || {
            let e = e.clone();
            async move {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    serde_json::to_string(&e).unwrap(),
                )
            }
        }
    };
    Router::new()
        .route(
            "/api/forbidden",
            post(fail(Error::new(
                ErrorCode::Forbidden,
                Some("Réservé aux admins: 100% sûr".into()),
            ))),
        )
        .route(
            "/api/garbled",
            post(fail(Error::new(
                ErrorCode::ServerError,
                Some("error deserializing server function arguments: missing field `id`".into()),
            ))),
        )
        .route("/api/echo", post(|| async { "ok" }).get(|| async { "ok" }))
        // Where Porte's own server functions answer (`/api/porte/…`).
        .route("/api/porte/echo", post(|| async { "ok" }))
        .route(
            "/api/me",
            get(|s: Session| async move { s.user_id().to_owned() }),
        )
        .route(
            "/api/maybe",
            get(|s: Option<Session>| async move {
                s.map_or("anonymous".to_owned(), |s| s.user_id().to_owned())
            }),
        )
        .porte(porte)
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap().into_response();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn post_from(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::post(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

fn code_of(body: &str) -> String {
    serde_json::from_str::<Error>(body)
        .map(|e| e.error.to_string())
        .unwrap_or_else(|_| format!("not an Error: {body}"))
}

#[tokio::test]
async fn mounting_adds_the_redirect_page_and_its_script_cached_for_good() {
    let app = app(&porte());
    let (status, headers, page) = send(
        &app,
        Request::get("/api/oauth/redirect?error=access_denied&state=nobody")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    let script = page
        .split("<script src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the completion page loads its script");
    assert!(script.starts_with("/api/oauth/complete."), "{script}");

    let (status, headers, body) =
        send(&app, Request::get(script).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(body.contains("porte-completion"), "the completion script");
}

/// The error as the browser reads it: `x-porte-error` and its percent-encoded description.
fn error_in_headers(headers: &axum::http::HeaderMap) -> (String, Option<String>) {
    let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let description = text("x-porte-error-description").map(|d| {
        percent_encoding::percent_decode_str(&d)
            .decode_utf8()
            .unwrap()
            .into_owned()
    });
    (text("x-porte-error").unwrap_or_default(), description)
}

#[tokio::test]
async fn a_server_function_error_gets_the_status_of_its_code_and_says_itself_in_headers() {
    let app = app(&porte());
    let (status, headers, body) = send(&app, post_from("/api/forbidden", &[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code_of(&body), "forbidden");
    let said = (
        "forbidden".into(),
        Some("Réservé aux admins: 100% sûr".into()),
    );
    assert_eq!(error_in_headers(&headers), said, "the body's error, whole");
}

#[tokio::test]
async fn arguments_that_do_not_deserialize_are_a_400_that_says_so() {
    let app = app(&porte());
    let (status, headers, body) = send(&app, post_from("/api/garbled", &[])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e: Error = serde_json::from_str(&body).unwrap();
    assert_eq!(e.error, ErrorCode::InvalidRequest);
    assert!(
        e.description
            .as_deref()
            .unwrap()
            .starts_with("Malformed request:"),
        "a sentence, not a server error"
    );
    assert_eq!(
        error_in_headers(&headers),
        ("invalid_request".into(), e.description)
    );
}

#[tokio::test]
async fn other_sites_cannot_post_to_server_functions_or_the_start_form() {
    let app = app(&porte());
    for (path, headers) in [
        ("/api/echo", [("sec-fetch-site", "cross-site")]),
        ("/api/echo", [("origin", "http://evil.example")]),
        ("/api/porte/end_session", [("sec-fetch-site", "same-site")]),
        ("/api/oauth/start", [("origin", "http://127.0.0.1:3001")]),
    ] {
        let (status, sent, body) = send(&app, post_from(path, &headers)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} {headers:?}");
        assert_eq!(code_of(&body), "cross_site", "{path} {headers:?}");
        assert_eq!(
            error_in_headers(&sent).0,
            "cross_site",
            "{path} {headers:?}"
        );
    }
}

#[tokio::test]
async fn the_apps_own_origin_and_non_browser_clients_pass_and_reads_are_never_refused() {
    let app = app(&porte());
    for headers in [
        vec![("sec-fetch-site", "same-origin"), ("origin", ORIGIN)],
        vec![("origin", ORIGIN)],
        vec![],
    ] {
        let (status, _, body) = send(&app, post_from("/api/echo", &headers)).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "ok"),
            "{headers:?}"
        );
    }
    let read = Request::get("/api/echo")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, read).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_extractor_without_a_session_is_401_not_signed_in_and_the_optional_one_is_none() {
    let app = app(&porte());
    let (status, headers, body) =
        send(&app, Request::get("/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code_of(&body), "not_signed_in");
    assert_eq!(headers["x-porte-error"], "not_signed_in");

    let (status, _, body) = send(
        &app,
        Request::get("/api/maybe").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "anonymous"));
}

#[tokio::test]
async fn a_forged_session_token_is_refused_by_both_extractors() {
    let app = app(&porte());
    for path in ["/api/me", "/api/maybe"] {
        let request = Request::get(path)
            .header("x-porte-session", "local=forged.token")
            .header(header::COOKIE, "porte_bind=forged")
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
        assert_eq!(code_of(&body), "invalid_session", "{path}");
    }
}

#[tokio::test]
async fn an_app_that_forgot_to_mount_porte_is_told_so() {
    let app = Router::new().route(
        "/api/me",
        get(|s: Session| async move { s.user_id().to_owned() }),
    );
    let (status, _, body) = send(&app, Request::get("/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let e: Error = serde_json::from_str(&body).unwrap();
    assert!(
        e.description.unwrap().contains("add `.porte(&porte)`"),
        "the fix is in the message"
    );
}

#[tokio::test]
async fn porte_s_own_answers_carry_tokens_and_are_never_stored_the_app_s_are_untouched() {
    let app = app(&porte());
    let (status, headers, _) = send(&app, post_from("/api/porte/echo", &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let (_, headers, _) = send(&app, post_from("/api/echo", &[])).await;
    assert_eq!(
        headers.get(header::CACHE_CONTROL),
        None,
        "the app decides for its own"
    );
}

/// A layer the app puts between its routes and `.porte()` (the demo's compression layer, which
/// decides by `Cache-Control`) sees Porte's server functions' answers already marked, not only
/// after Porte's middleware has run.
#[tokio::test]
async fn a_layer_inside_porte_s_middleware_sees_its_server_functions_answers_unstored() {
    let seen = axum::middleware::from_fn(
        |request: Request<Body>, next: axum::middleware::Next| async move {
            let mut response = next.run(request).await;
            let marked = response.headers().get(header::CACHE_CONTROL).cloned();
            let seen = marked.unwrap_or(axum::http::HeaderValue::from_static("nothing"));
            response.headers_mut().insert("x-seen-cache-control", seen);
            response
        },
    );
    let app = Router::new()
        .route(
            "/api/porte/{*fn_name}",
            post(leptos_axum::handle_server_fns),
        )
        .layer(seen)
        .porte(&porte());
    let mut request = post_from("/api/porte/restore_session", &[]);
    *request.body_mut() = Body::from(r#"{"sealed":"p2.00000000.AAAA"}"#);
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
    assert_eq!(headers["x-seen-cache-control"], "no-store");
}
