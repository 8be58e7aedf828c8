//! `POST <base>/start`: sign-in buttons that work before the wasm has loaded (progressive
//! enhancement). Each button submits a plain form naming its provider (and the page to come
//! back to); this starts a same-tab login with the default options and sends the browser to
//! the provider. Once the app has hydrated, it handles the click itself (popup, options) and
//! this endpoint is not used.
//!
//! Cross-site posts are refused by Porte's middleware like server-function calls.

use crate::server::cookie_header::set_cookie_value;
use crate::server::http::completion::completion_response;
use crate::server::login::flow;
use crate::server::Porte;
use crate::{Completion, Error, LoginRequest, ProviderId};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use flow::Finished;
use leptos::prelude::*;

/// The form: which provider's button was pressed.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct StartForm {
    /// The provider id (the button's `value`).
    pub provider: String,
}

/// The handler: sets the flow cookie and forwards to the provider; on failure, the completion
/// page carries the error back to the app's page, which shows it as for any other login. The
/// sign-in comes back to the page the form was on (its same-origin `Referer`), else home.
pub(crate) async fn start_in_this_tab(
    auth: &Porte,
    referer: Option<&str>,
    cookie_header: Option<&str>,
    form: StartForm,
) -> Response {
    let home = auth.config().home_path.clone();
    let origin = auth.config().origin_text();
    let return_to = referer
        .and_then(|r| r.strip_prefix(origin))
        .filter(|path| path.starts_with('/'))
        .map_or_else(|| home.clone(), str::to_owned);
    let started = match ProviderId::parse(&form.provider) {
        Ok(provider) => {
            flow::start_login(auth, &same_tab_request(provider, return_to), cookie_header).await
        }
        Err(e) => Err(crate::server::AuthError::InvalidRequest(e.to_string())),
    };
    match started {
        Ok(started) => {
            let mut response = to_provider_page(&started.start.authorization_url).into_response();
            let headers = response.headers_mut();
            for (name, value) in [
                (header::CACHE_CONTROL, "no-store"),
                (header::REFERRER_POLICY, "no-referrer"),
                (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
            ] {
                headers.insert(name, HeaderValue::from_static(value));
            }
            for cookie in started.cookies {
                match set_cookie_value(&cookie) {
                    Some(v) => headers.append(header::SET_COOKIE, v),
                    None => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                };
            }
            response
        }
        Err(e) => {
            tracing::warn!(error = %e, "login could not start");
            let failed = Finished {
                completion: Completion {
                    state: None,
                    outcome: Err(Error::from(e)),
                },
                removal: None,
                return_to: Some(home),
                page_html: None,
            };
            completion_response(failed, auth.config())
        }
    }
}

/// The page's policy: nothing runs, nothing loads.
const PAGE_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Forwards with a meta refresh rather than a `303`: the app's pages allow forms to post only to
/// their own origin (`form-action 'self'`), and browsers apply that to a form's redirects too.
fn to_provider_page(url: &str) -> Html<String> {
    let url = url.to_owned();
    let link = url.clone();
    Html(
        view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8" />
                    <meta http-equiv="refresh" content=format!("0;url={url}") />
                    <title>"Signing in…"</title>
                </head>
                <body>
                    <p><a href=link>"Continue to the sign-in page"</a></p>
                </body>
            </html>
        }
        .to_html(),
    )
}

/// What a button pressed before hydration asks for: the user's profile, back on its page.
fn same_tab_request(provider: ProviderId, return_to: String) -> LoginRequest {
    LoginRequest {
        provider,
        scope: Vec::new(),
        fetch_user: true,
        complete_page_html: None,
        return_to: Some(return_to),
    }
}
