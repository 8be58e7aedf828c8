//! Porte's Axum integration driven in process (`oneshot`): a session used through the
//! [`Session`](crate::Session) extractor is renewed like one used in a server function, a
//! refusal names its code once, and a large error body passes through whole.

use super::fixtures::{porte, session, Browser};
use crate::server::clock::now;
use crate::{PorteRouter, Session};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tower::ServiceExt;

fn app(porte: &crate::Porte) -> Router {
    Router::new()
        .route(
            "/api/me",
            post(|s: Session| async move { s.user_id().to_owned() }),
        )
        .route(
            "/api/big",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "x".repeat(100_000)) }),
        )
        .porte(porte)
}

#[tokio::test]
async fn the_extractor_renews_a_session_it_uses() {
    let porte = porte(&[("PORTE_SESSION_IDLE_SECS", "40")]);
    let mut data = session(&porte, "corp", &[]);
    // Last sealed 30 s ago: more than a quarter of the idle window has passed.
    data.lifetime.last_used_at = Some(now() - 30);
    data.lifetime.idle_until = now() + 10;
    let mut browser = Browser::new();
    browser.hold(&porte, &data);
    let request = browser.request("/api/me").map(|()| Body::empty());
    let response = app(&porte).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = response.headers()["x-porte-renewed"].to_str().unwrap();
    let (item, idle) = renewed.rsplit_once(';').unwrap();
    assert!(item.starts_with("corp=p2."), "{renewed}");
    assert!(idle.parse::<u64>().unwrap() >= now() + 39, "{renewed}");
}

#[tokio::test]
async fn a_refusal_names_its_code_once() {
    let porte = porte(&[]);
    let request = Request::post("/api/me").body(Body::empty()).unwrap();
    let response = app(&porte).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let codes: Vec<_> = response.headers().get_all("x-porte-error").iter().collect();
    assert_eq!(codes, ["not_signed_in"]);
}

#[tokio::test]
async fn a_large_error_body_passes_through_whole() {
    let porte = porte(&[]);
    let request = Request::get("/api/big").body(Body::empty()).unwrap();
    let response = app(&porte).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let length = response.headers().get("content-length").cloned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(body.len(), 100_000);
    if let Some(length) = length {
        assert_eq!(length, "100000");
    }
}
