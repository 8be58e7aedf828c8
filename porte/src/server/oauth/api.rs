//! Calls to a provider's API with the user's access token: one JSON document, or every page of
//! a listing. Next-page links are followed only on the first URL's origin, so a hostile or
//! broken provider cannot make Porte send the token elsewhere.

use crate::server::providers::Paging;
use serde_json::Value;
use url::Url;

/// At most this many pages are read from one listing.
pub const MAX_PAGES: usize = 50;

/// An API call failed; the text is for the server log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The token was refused (401).
    #[error("{url} refused the access token (401)")]
    Unauthorized {
        /// The URL called.
        url: String,
    },
    /// Any other failure.
    #[error("{0}")]
    Failed(String),
}

/// `GET url` with the bearer token; returns the JSON body and the `Link` header.
pub async fn get_json(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> Result<(Value, Option<String>), ApiError> {
    let response = http
        .get(url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Failed(format!("GET {url}: {e}")))?;
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return Err(ApiError::Unauthorized { url: url.into() });
    }
    if !status.is_success() {
        return Err(ApiError::Failed(format!("GET {url}: HTTP {status}")));
    }
    let link = response
        .headers()
        .get(reqwest::header::LINK)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .json::<Value>()
        .await
        .map_err(|e| ApiError::Failed(format!("GET {url}: malformed JSON: {e}")))?;
    Ok((body, link))
}

/// Every item of a paged listing.
pub async fn get_all_pages(
    http: &reqwest::Client,
    first: &str,
    token: &str,
    paging: Paging,
) -> Result<Vec<Value>, ApiError> {
    let origin = origin_of(first)?;
    let mut items = Vec::new();
    let mut next = Some(first.to_owned());
    for _ in 0..MAX_PAGES {
        let Some(url) = next.take() else { break };
        let (body, link) = get_json(http, &url, token).await?;
        let (page, following) = match paging {
            Paging::LinkHeader => (body, link.as_deref().and_then(next_link)),
            Paging::ODataNextLink => {
                let following = body
                    .get("@odata.nextLink")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                (body.get("value").cloned().unwrap_or(Value::Null), following)
            }
        };
        match page {
            Value::Array(list) => items.extend(list),
            other => {
                return Err(ApiError::Failed(format!(
                    "GET {url}: expected a list, got {}",
                    kind(&other)
                )))
            }
        }
        if let Some(n) = &following {
            if origin_of(n)? != origin {
                return Err(ApiError::Failed(format!(
                    "next page {n} is not on {origin}; not followed"
                )));
            }
        }
        next = following;
    }
    Ok(items)
}

/// The `rel="next"` target of a `Link` header (RFC 8288), as GitHub sends it.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("rel="))
            .any(|rel| rel.trim_matches('"').split(' ').any(|r| r == "next"))
            .then(|| target.to_owned())
    })
}

fn origin_of(url: &str) -> Result<String, ApiError> {
    Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .map_err(|e| ApiError::Failed(format!("bad URL {url}: {e}")))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        use crate::server::oauth::api::next_link;
        let h = r#"<https://api.github.com/user/teams?page=2>; rel="next", <https://api.github.com/user/teams?page=3>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/user/teams?page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }
}
