//! What tests across the server half share: a fake provider's endpoints served on loopback.

/// Serves `app` on a free loopback port for the rest of the test; returns its base URL.
pub(crate) async fn serve_on_loopback(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}
