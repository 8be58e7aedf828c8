//! `GET /api/oauth/redirect`: where providers send the browser back. Completes the flow and
//! answers with a small page that hands the result to the page that opened the login.

use crate::server::cookie_header::set_cookie_value;
use crate::server::http::completion::completion_response;
use crate::server::login::flow;
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::session::lifecycle;
use crate::server::Porte;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// `GET <base>/redirect`: completes the flow and answers with the completion page.
pub(crate) async fn oauth_redirect(
    porte: &Porte,
    headers: &HeaderMap,
    raw: Option<&str>,
) -> Response {
    let query = RedirectQuery::parse(raw.unwrap_or(""));
    let cookie_header = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let finished = flow::complete_login(porte, &query, cookie_header).await;
    completion_response(finished, porte.config())
}

/// `GET <base>/logged-out`: where providers return after RP-initiated logout. The `state`
/// must match the cookie set when the logout started; then the user is sent home. In a desktop
/// app the system browser comes back here without the webview's cookie: the state the app
/// remembered when it opened the logout there stands for it, and the tab is told to return to
/// the app.
pub(crate) fn logged_out(porte: &Porte, headers: &HeaderMap, raw: Option<&str>) -> Response {
    let config = porte.config();
    let cookie_header = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let state = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned());
    if let Some(loopback) = porte.loopback() {
        let remembered = |value: &str| {
            let cookie = format!("{}={value}", lifecycle::LOGOUT_STATE_COOKIE);
            lifecycle::logout_state_matches(Some(&cookie), state.as_deref())
        };
        if loopback.take_logout(remembered) {
            let page = view! {
                <main class="card completion">
                    <h1>"Signed out"</h1>
                    <p>"You are signed out at the provider too. You can close this tab and return to the app."</p>
                </main>
            }
            .to_html();
            return axum::response::Html(page).into_response();
        }
    }
    let ok = lifecycle::logout_state_matches(cookie_header, state.as_deref());
    let mut clear = cookie::Cookie::new(lifecycle::LOGOUT_STATE_COOKIE, "");
    clear.set_path(config.base_path.clone());
    clear.make_removal();
    let home = config.home_path.clone();
    let mut response = if ok {
        axum::response::Redirect::to(&home).into_response()
    } else {
        tracing::warn!("logout return without a matching state");
        let page = view! {
            <main class="card completion">
                <h1>"Signed out here"</h1>
                <p>"The provider's sign-out could not be confirmed (it did not come from this browser's logout)."</p>
                <p><a href=home>"Back to the app"</a></p>
            </main>
        }
        .to_html();
        (
            axum::http::StatusCode::BAD_REQUEST,
            axum::response::Html(page),
        )
            .into_response()
    };
    if let Some(value) = set_cookie_value(&clear) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
