//! The loopback flow end to end in process: a provider on loopback, the "system browser" played
//! by the test (the opener hands it the URL), and the webview by its binding cookie.

use super::browser::{SystemBrowser, DEFAULT_TIMEOUT};
use super::flow::{await_login, cancel_login, open_provider_logout, start_login};
use crate::server::error::AuthError;
use crate::server::providers::{oauth, OAuthEndpoints};
use crate::server::session::binding::BrowserBinding;
use crate::server::Porte;
use crate::{Completion, ErrorCode, LoginRequest, ProviderId};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A provider on a loopback port: token and userinfo endpoints.
async fn provider() -> String {
    let app = axum::Router::new()
        .route(
            "/token",
            axum::routing::post(|| async {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    r#"{"access_token":"at","token_type":"Bearer","expires_in":3600}"#,
                )
            }),
        )
        .route(
            "/me",
            axum::routing::get(|| async { axum::Json(serde_json::json!({"sub": "u1"})) }),
        );
    crate::server::testing::serve_on_loopback(app).await
}

/// The desktop app's Porte, its system browser recording the URLs it is asked to open.
async fn desktop(
    timeout: Duration,
    open: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
) -> Porte {
    let base = provider().await;
    let endpoints = OAuthEndpoints {
        authorization: format!("{base}/auth"),
        token: format!("{base}/token"),
        userinfo: format!("{base}/me"),
    };
    let spec = oauth("desk", endpoints, "desktop-app", "")
        .unwrap()
        .as_public_client();
    Porte::builder()
        .production(false)
        .secret_key("loopback-tests-secret-0123456789abcdef01")
        .provider(spec)
        .system_browser(SystemBrowser::new(open).timeout(timeout))
        .build()
        .unwrap()
}

fn request() -> LoginRequest {
    LoginRequest {
        provider: ProviderId::parse("desk").unwrap(),
        scope: Vec::new(),
        fetch_user: true,
        complete_page_html: None,
        return_to: None,
    }
}

/// A login started from a webview: the URL the browser was sent to and the webview's cookie.
async fn start(porte: &Porte) -> (url::Url, String, String) {
    let started = start_login(porte, porte.loopback().unwrap(), &request(), None)
        .await
        .unwrap();
    assert!(started.start.in_system_browser);
    let cookie = started
        .cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let url = url::Url::parse(&started.start.authorization_url).unwrap();
    (url, started.start.state, cookie)
}

fn redirect_uri(url: &url::Url) -> String {
    url.query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned()
}

/// What the system browser gets for `url`: status and page, or `None` when nothing listens.
async fn browse(url: &str) -> Option<(u16, String)> {
    let response = reqwest::get(url).await.ok()?;
    Some((response.status().as_u16(), response.text().await.unwrap()))
}

async fn wait(porte: &Porte, state: &str, cookie: &str) -> Completion {
    await_login(
        porte,
        porte.loopback().unwrap(),
        state,
        Some(cookie),
        DEFAULT_TIMEOUT,
    )
    .await
    .expect("a result within the login's own timeout")
}

/// A system browser that only notes the URLs it is asked to open.
type Opened = Arc<Mutex<Vec<String>>>;
fn recorded() -> (
    Opened,
    impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
) {
    let opened = Opened::default();
    let seen = opened.clone();
    let open = move |url: &str| {
        seen.lock().unwrap().push(url.to_owned());
        Ok(())
    };
    (opened, open)
}

fn code(c: &Completion) -> ErrorCode {
    c.outcome.as_ref().unwrap_err().error.clone()
}

#[tokio::test]
async fn the_browser_comes_back_to_loopback_and_only_the_webview_gets_the_session() {
    let (opened, open) = recorded();
    let porte = desktop(DEFAULT_TIMEOUT, open).await;
    let (url, state, cookie) = start(&porte).await;
    assert_eq!(*opened.lock().unwrap(), [url.to_string()]);
    let callback = redirect_uri(&url);
    assert!(
        callback.starts_with("http://127.0.0.1:") && callback.ends_with("/callback"),
        "{callback}"
    );
    let port = url::Url::parse(&callback).unwrap().port().unwrap();
    assert_ne!(port, 0);

    // The browser also asks for its icon, and something else may call with another state:
    // both refused, and the login still waits.
    let root = format!("http://127.0.0.1:{port}");
    assert_eq!(browse(&format!("{root}/favicon.ico")).await.unwrap().0, 404);
    let stray = browse(&format!("{callback}?code=planted&state=other")).await;
    assert_eq!(stray.unwrap().0, 400);

    let webview = tokio::spawn({
        let (porte, state, cookie) = (porte.clone(), state.clone(), cookie.clone());
        async move { wait(&porte, &state, &cookie).await }
    });
    let (status, page) = browse(&format!("{callback}?code=c&state={state}"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("return to the app"), "{page}");
    let done = webview.await.unwrap();
    let signed_in = done.outcome.expect("signed in");
    assert!(
        !page.contains(signed_in.sealed.as_str()),
        "the browser tab never sees the session"
    );
    assert_eq!(signed_in.user.unwrap().id, "u1");
    // The listener's life ends with the login: a second callback finds nobody, or, while it
    // stops, is told the sign-in is over; it never signs in again.
    let again = browse(&format!("{callback}?code=c&state={state}")).await;
    assert!(matches!(again, None | Some((410, _))), "{again:?}");
}

#[tokio::test]
async fn a_held_request_answers_still_waiting_and_the_next_one_gets_the_result() {
    let porte = desktop(DEFAULT_TIMEOUT, |_| Ok(())).await;
    let (url, state, cookie) = start(&porte).await;
    let loopback = porte.loopback().unwrap();
    let slice = Duration::from_millis(50);
    let first = await_login(&porte, loopback, &state, Some(&cookie), slice).await;
    assert_eq!(first, None, "no result yet: ask again");
    let back = format!("{}?code=c&state={state}", redirect_uri(&url));
    assert_eq!(browse(&back).await.unwrap().0, 200);
    let next = await_login(&porte, loopback, &state, Some(&cookie), slice).await;
    assert!(next.expect("the result").outcome.is_ok());
}

#[tokio::test]
async fn another_webview_never_hears_the_result_and_cannot_cancel() {
    let porte = desktop(DEFAULT_TIMEOUT, |_| Ok(())).await;
    let (_, state, cookie) = start(&porte).await;
    let stranger = BrowserBinding::generate()
        .cookie(false)
        .encoded()
        .stripped()
        .to_string();
    // Answered at once (a bound only so that a leak fails fast instead of waiting 10 minutes).
    let heard = tokio::time::timeout(Duration::from_secs(5), wait(&porte, &state, &stranger))
        .await
        .expect("refused at once, not kept waiting for someone else's result");
    assert_eq!(code(&heard), ErrorCode::InvalidState);
    let loopback = porte.loopback().unwrap();
    assert_eq!(
        cancel_login(&porte, loopback, &state, Some(&stranger)),
        Err(AuthError::NoLoginPending)
    );
    cancel_login(&porte, loopback, &state, Some(&cookie)).unwrap();
    assert_eq!(
        code(&wait(&porte, &state, &cookie).await),
        ErrorCode::Cancelled
    );
}

#[tokio::test]
async fn a_refused_consent_reaches_the_app_and_the_tab() {
    let porte = desktop(DEFAULT_TIMEOUT, |_| Ok(())).await;
    let (url, state, cookie) = start(&porte).await;
    let denied = format!(
        "{}?error=access_denied&error_description=The+user+said+no&state={state}",
        redirect_uri(&url)
    );
    let (_, page) = browse(&denied).await.unwrap();
    assert!(page.contains("The user said no"), "{page}");
    let done = wait(&porte, &state, &cookie).await;
    assert_eq!(code(&done), ErrorCode::AccessDenied);
}

#[tokio::test]
async fn cancel_stops_the_listener_and_the_wait() {
    let porte = desktop(DEFAULT_TIMEOUT, |_| Ok(())).await;
    let (url, state, cookie) = start(&porte).await;
    let webview = tokio::spawn({
        let (porte, state, cookie) = (porte.clone(), state.clone(), cookie.clone());
        async move { wait(&porte, &state, &cookie).await }
    });
    cancel_login(&porte, porte.loopback().unwrap(), &state, Some(&cookie)).unwrap();
    assert_eq!(code(&webview.await.unwrap()), ErrorCode::Cancelled);
    // Give the listener its graceful stop, then nothing answers the redirect.
    let callback = format!("{}?code=c&state={state}", redirect_uri(&url));
    for _ in 0..50 {
        if browse(&callback).await.is_none() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the listener still answers after the login was cancelled");
}

#[tokio::test]
async fn a_browser_that_never_comes_back_times_out_saying_so() {
    let porte = desktop(Duration::from_millis(200), |_| Ok(())).await;
    let (_, state, cookie) = start(&porte).await;
    let done = wait(&porte, &state, &cookie).await;
    let error = done.outcome.unwrap_err();
    assert_eq!(error.error, ErrorCode::LoginTimedOut);
    assert!(
        error.description.unwrap().contains("was its tab closed?"),
        "a clear message"
    );
}

#[tokio::test]
async fn a_browser_that_cannot_be_opened_fails_the_login_at_once() {
    let porte = desktop(DEFAULT_TIMEOUT, |_| Err("no opener here".into())).await;
    let refused = start_login(&porte, porte.loopback().unwrap(), &request(), None)
        .await
        .unwrap_err();
    assert!(matches!(refused, AuthError::SystemBrowser(_)), "{refused}");
}

#[tokio::test]
async fn a_provider_logout_opens_in_the_browser_whose_return_says_to_go_back_to_the_app() {
    use crate::server::http::callback::logged_out;
    use crate::server::session::lifecycle::LOGOUT_STATE_COOKIE;
    let (opened, open) = recorded();
    let porte = desktop(DEFAULT_TIMEOUT, open).await;
    let loopback = porte.loopback().unwrap();
    let logout = |state: &str| {
        let url = format!("https://idp.example/logout?state={state}");
        let cookie = cookie::Cookie::new(LOGOUT_STATE_COOKIE, state.to_owned());
        open_provider_logout(loopback, Some(url), Some(cookie)).unwrap();
    };
    logout("st-1");
    assert_eq!(
        *opened.lock().unwrap(),
        ["https://idp.example/logout?state=st-1"]
    );
    // The browser comes back without any cookie of the webview's.
    let back = |query: &str| logged_out(&porte, &axum::http::HeaderMap::new(), Some(query));
    let page = back("state=st-1");
    assert_eq!(page.status(), 200);
    let body = axum::body::to_bytes(page.into_body(), 1 << 16)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("return to the app"));
    // Each logout's return counts once, and a state the app did not send counts never.
    assert_eq!(back("state=st-1").status(), 400);
    logout("st-2");
    assert_eq!(back("state=forged").status(), 400);
    assert_eq!(back("state=st-2").status(), 200);
}
