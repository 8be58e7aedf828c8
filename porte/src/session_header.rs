//! How the browser sends its sessions with a server-function call, and how the server answers
//! when it refuses one: the header names and the `x-porte-session` value format
//! (`<provider>=<sealed token>` items separated by commas; sealed tokens are URL-safe base64 and
//! dots, so neither `,` nor `=` can occur in them).

use crate::{ProviderId, SealedToken};

/// The sessions a call carries.
pub(crate) const SESSION_HEADER: &str = "x-porte-session";
/// The error code of a refused call (`token_expired`, `invalid_session`, …).
pub(crate) const ERROR_HEADER: &str = "x-porte-error";
/// The provider whose session was refused.
pub(crate) const PROVIDER_HEADER: &str = "x-porte-provider";
/// A session sealed again with a later idle expiry: `<provider>=<token>;<idle expiry>`.
pub(crate) const RENEWED_HEADER: &str = "x-porte-renewed";

/// `github=p1…, local=p1…`.
pub(crate) fn format<'a>(
    sessions: impl IntoIterator<Item = (&'a ProviderId, &'a SealedToken)>,
) -> String {
    sessions
        .into_iter()
        .map(|(p, t)| format!("{p}={}", t.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The well-formed items of one header value; anything else is skipped.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub(crate) fn parse(value: &str) -> Vec<(ProviderId, SealedToken)> {
    value
        .split(',')
        .filter_map(|item| {
            let (provider, token) = item.trim().split_once('=')?;
            let provider = ProviderId::parse(provider).ok()?;
            (!token.is_empty()).then(|| (provider, SealedToken::new(token)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_round_trip_and_junk_is_skipped() {
        let (a, b) = (
            ProviderId::parse("github").unwrap(),
            ProviderId::parse("local").unwrap(),
        );
        let (ta, tb) = (SealedToken::new("p1.ab.c-_d"), SealedToken::new("p1.cd.e"));
        let text = format([(&a, &ta), (&b, &tb)]);
        assert_eq!(text, "github=p1.ab.c-_d, local=p1.cd.e");
        assert_eq!(parse(&text), vec![(a.clone(), ta.clone()), (b, tb)]);
        assert_eq!(
            parse("junk, bad id!=x, github=, =p1.x.y, github=p1.ab.c-_d"),
            vec![(a, ta)]
        );
    }
}
