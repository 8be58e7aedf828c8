//! The provider's answer on the redirect: the authorization response's parameters.

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
