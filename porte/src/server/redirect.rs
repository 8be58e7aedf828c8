//! `GET /api/oauth/redirect`: where providers send the browser back. Completes the flow and
//! answers with a small page that hands the result to the page that opened the login.

use super::builder::Config;
use super::flows::Finished;
use super::router::{COMPLETE_CSS, COMPLETE_JS};
use super::Porte;
use crate::LOGIN_CHANNEL;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// The authorization response parameters (RFC 6749 §4.1.2, RFC 9207).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RedirectQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` sent with the request.
    pub state: Option<String>,
    /// The issuer that answered (RFC 9207).
    pub iss: Option<String>,
    /// The provider's error code.
    pub error: Option<String>,
    /// The provider's error description.
    pub error_description: Option<String>,
}

impl RedirectQuery {
    /// Parses a query string. A parameter given twice counts as absent (RFC 6749 §3.1: request
    /// and response parameters must not be repeated), so an injected duplicate cannot win.
    pub fn parse(raw: &str) -> Self {
        let mut seen: std::collections::HashMap<String, Option<String>> = Default::default();
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
            seen.entry(k.into_owned())
                .and_modify(|slot| *slot = None)
                .or_insert(Some(v.into_owned()));
        }
        let mut take = |k: &str| seen.remove(k).flatten();
        Self {
            code: take("code"),
            state: take("state"),
            iss: take("iss"),
            error: take("error"),
            error_description: take("error_description"),
        }
    }
}

/// `GET <base>/redirect`: completes the flow and answers with the completion page.
pub(crate) async fn oauth_redirect(
    porte: &Porte,
    headers: &HeaderMap,
    raw: Option<&str>,
) -> Response {
    let query = RedirectQuery::parse(raw.unwrap_or(""));
    let cookie_header = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let finished = porte.complete_login(&query, cookie_header).await;
    completion_response(finished, &porte.0.config)
}

/// The completion page as a response: its own strict CSP, no caching, no Referer, and the flow
/// cookie's removal / the binding cookie.
pub(super) fn completion_response(finished: Finished, config: &Config) -> Response {
    let custom = finished.page_html.is_some();
    let mut response = completion_page(&finished, config).into_response();
    let headers = response.headers_mut();
    // Scripts never run from a custom page; its inline styles may.
    let csp = if custom {
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    };
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        // The URL holds the code: never send it on as a Referer.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, csp),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Some(cookie) = finished.removal {
        if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `GET <base>/logged-out`: where providers return after RP-initiated logout. The `state`
/// must match the cookie set when the logout started; then the user is sent home.
pub(crate) fn logged_out(config: &Config, headers: &HeaderMap, raw: Option<&str>) -> Response {
    let cookie_header = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let state = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned());
    let ok = Porte::logout_state_matches(cookie_header, state.as_deref());
    let mut clear = cookie::Cookie::new(super::sessions::LOGOUT_STATE_COOKIE, "");
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
    if let Ok(value) = HeaderValue::from_str(&clear.encoded().to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The completion page: a readable message (or the login's custom body), the result as JSON in
/// a data block, its own small stylesheet, and the static script (served by Porte's router)
/// that posts the result on the [`LOGIN_CHANNEL`] and closes the popup, or (same tab) keeps it
/// for the app and goes back.
///
/// The result (it holds the access token) is the text of a `<script type="application/json">`,
/// never an attribute: a custom page's CSS can match attribute values (`[data-x^="…"]` with a
/// background URL per guess) and so read them out, but no selector matches text.
fn completion_page(finished: &Finished, config: &Config) -> axum::response::Html<String> {
    let completion = &finished.completion;
    // `<`, `>` and `&` escaped in the JSON, so no `</script>` can end the block early.
    let json = serde_json::to_string(completion)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let (title, message) = match &completion.outcome {
        Ok(a) => (
            "Sign-in complete".to_owned(),
            format!(
                "Signed in with {}. You can close this window.",
                a.provider.label
            ),
        ),
        Err(e) => ("Sign-in failed".to_owned(), e.to_string()),
    };
    let stylesheet = config.path(&COMPLETE_CSS.file_name());
    let script = config.path(&COMPLETE_JS.file_name());
    let home = config.home_path.clone();
    let return_to = finished.return_to.clone();
    let body = match finished.page_html.clone() {
        Some(html) => view! { <div class="custom-completion" inner_html=html></div> }.into_any(),
        None => view! {
            <h1>{title.clone()}</h1>
            <p role="status">{message}</p>
            <p class="hint">"If this window stays open, close it and "<a href=home>"return to the app"</a>"."</p>
        }
        .into_any(),
    };
    let document = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>{title}</title>
                <link rel="stylesheet" href=stylesheet />
            </head>
            <body>
                <main class="card completion" id="porte-completion" data-channel=LOGIN_CHANNEL
                    data-return=return_to>
                    {body}
                </main>
                <script type="application/json" id="porte-completion-data" inner_html=json></script>
                <script src=script></script>
            </body>
        </html>
    }
    .to_html();
    axum::response::Html(format!("<!DOCTYPE html>{document}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Completion, Error};

    fn finished(page_html: Option<&str>, return_to: Option<&str>) -> Finished {
        Finished {
            completion: Completion {
                state: Some("s1".into()),
                outcome: Err(Error::new("access_denied", None)),
            },
            removal: None,
            return_to: return_to.map(str::to_owned),
            page_html: page_html.map(str::to_owned),
        }
    }

    fn config() -> Config {
        Config::from_vars([]).unwrap()
    }

    #[test]
    fn a_custom_page_replaces_the_message_and_the_result_still_travels() {
        let page = completion_page(&finished(Some("<h1>Thanks!</h1>"), None), &config()).0;
        assert!(page.contains("<h1>Thanks!</h1>"), "{page}");
        assert!(!page.contains("If this window stays open"));
        assert!(page.contains("access_denied"));
        assert!(!page.contains("data-return"), "popup flows do not navigate");
    }

    #[test]
    fn the_result_is_text_no_css_selector_can_read_and_no_markup_can_end() {
        let mut f = finished(Some("<style>[data-completion]{}</style>"), None);
        f.completion.outcome = Err(Error::new(
            "access_denied",
            Some("</script><script>alert(1)</script> & <b>".into()),
        ));
        let page = completion_page(&f, &config()).0;
        assert!(
            !page.contains("data-completion="),
            "not in an attribute: {page}"
        );
        let block = page
            .split(r#"<script type="application/json" id="porte-completion-data">"#)
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("the data block");
        assert!(!block.contains('<') && !block.contains('&'), "{block}");
        let back: Completion = serde_json::from_str(block).unwrap();
        assert_eq!(back, f.completion, "it reads back whole");
    }

    #[test]
    fn a_same_tab_page_carries_its_checked_return_path() {
        let page = completion_page(&finished(None, Some("/welcome")), &config()).0;
        assert!(page.contains("src=\"/api/oauth/complete."), "{page}");
        assert!(page.contains("data-return=\"/welcome\""), "{page}");
        assert!(page.contains("If this window stays open"));
    }
}
