//! The completion page: what the browser sees when a login ends (in the popup, or the tab that
//! went to the provider), with the static script and stylesheet it loads.

use crate::server::cookie_header::set_cookie_value;
use crate::server::login::flow;
use crate::server::porte::Config;
use crate::shared::compact;
use crate::LOGIN_CHANNEL;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use flow::Finished;
use leptos::prelude::*;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The completion page as a response: its own strict CSP, no caching, no Referer, and the flow
/// cookie's removal / the binding cookie.
pub(crate) fn completion_response(finished: Finished, config: &Config) -> Response {
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
        if let Some(value) = set_cookie_value(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The completion page: a readable message (or the login's custom body), the result in a data
/// block (the compact wire's text form, see `shared::compact`), its own small stylesheet, and the static script (served by Porte's router)
/// that posts the result on the [`LOGIN_CHANNEL`] and closes the popup, or (same tab) keeps it
/// for the app and goes back.
///
/// The result (it holds the access token) is the text of a `<script type="text/plain">`,
/// never an attribute: a custom page's CSS can match attribute values (`[data-x^="…"]` with a
/// background URL per guess) and so read them out, but no selector matches text.
fn completion_page(finished: &Finished, config: &Config) -> axum::response::Html<String> {
    let completion = &finished.completion;
    // Percent-encoded: no `<`, `>`, `&` or quote, so no `</script>` can end the block early.
    let data = compact::to_text(completion);
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
                <script type="text/plain" id="porte-completion-data" inner_html=data></script>
                <script src=script></script>
            </body>
        </html>
    }
    .to_html();
    let mut page = String::with_capacity(15 + document.len());
    page.push_str("<!DOCTYPE html>");
    page.push_str(&document);
    axum::response::Html(page)
}

/// A file Porte serves from the crate itself, under a name that carries its content's hash, so
/// browsers may keep it for good.
pub(crate) struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    body: &'static str,
    name: OnceLock<String>,
}

/// The completion page's script.
pub(crate) static COMPLETE_JS: Asset = Asset {
    stem: "complete",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("complete.js"),
    name: OnceLock::new(),
};

/// The completion page's stylesheet.
pub(crate) static COMPLETE_CSS: Asset = Asset {
    stem: "complete",
    extension: "css",
    content_type: "text/css; charset=utf-8",
    body: include_str!("complete.css"),
    name: OnceLock::new(),
};

impl Asset {
    /// `complete.<first 8 hex digits of SHA-256>.js`.
    pub(crate) fn file_name(&self) -> String {
        self.name
            .get_or_init(|| {
                let digest = Sha256::digest(self.body.as_bytes());
                let hash = hex::encode(&digest[..4]);
                format!("{}.{hash}.{}", self.stem, self.extension)
            })
            .clone()
    }

    pub(crate) fn response(&self) -> Response {
        let mut response = self.body.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        response
    }
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
            .split(r#"<script type="text/plain" id="porte-completion-data">"#)
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("the data block");
        assert!(!block.contains('<') && !block.contains('&'), "{block}");
        let back: Completion = compact::from_text(block).unwrap();
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
