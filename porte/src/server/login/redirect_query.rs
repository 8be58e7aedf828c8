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
        // Only the five parameters read are kept (no map of every name sent): `None` while
        // unseen, `Some(None)` once repeated.
        const NAMES: [&str; 5] = ["code", "state", "iss", "error", "error_description"];
        let mut seen: [Option<Option<String>>; 5] = Default::default();
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
            if let Some(i) = NAMES.iter().position(|name| *name == k) {
                seen[i] = match seen[i] {
                    None => Some(Some(v.into_owned())),
                    Some(_) => Some(None),
                };
            }
        }
        let [code, state, iss, error, error_description] = seen.map(Option::flatten);
        Self {
            code,
            state,
            iss,
            error,
            error_description,
        }
    }
}
