//! Cookies of a `Cookie` request header, found by name.
//!
//! A browser sends every cookie of the host on every request: the app's own, and on a shared
//! host (localhost in development) other servers' too. Parsing them all (percent-decoding
//! names and values) to find one of Porte's cost more than the rest of the lookup. A pair can
//! only decode to a given name if it is sent as that name or carries a `%` in its name, so the
//! others are skipped before the cookie crate parses anything.

use cookie::Cookie;

/// The cookies called `name` in `header`, in the order sent, as the cookie crate's
/// `split_parse_encoded` reads them (pairs it cannot parse are skipped).
pub(crate) fn named<'h>(header: &'h str, name: &'h str) -> impl Iterator<Item = Cookie<'h>> {
    header
        .split(';')
        .filter(move |pair| may_be_named(pair, name))
        .filter_map(|pair| Cookie::parse_encoded(pair.trim()).ok())
        .filter(move |cookie| cookie.name() == name)
}

/// Whether `pair` (`name=value` as sent) can decode to a cookie called `name`.
fn may_be_named(pair: &str, name: &str) -> bool {
    let sent = pair.split_once('=').map_or(pair, |(sent, _)| sent).trim();
    sent == name || sent.contains('%')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the cookie crate finds, parsing every pair.
    fn parsed_all(header: &str, name: &str) -> Vec<(String, String)> {
        Cookie::split_parse_encoded(header)
            .flatten()
            .filter(|c| c.name() == name)
            .map(|c| (c.name().to_owned(), c.value().to_owned()))
            .collect()
    }

    #[test]
    fn finds_what_parsing_every_pair_finds() {
        let headers = [
            "a=1; porte_bind=x; b=2",
            "porte_bind=first;porte_bind=second",
            "  porte_bind = spaced ; other=1",
            "porte%5Fbind=encoded%20value; porte_bind=plain",
            "porte_bind=%22quoted%22",
            "porte_bind; porte_bind=; =novalue; ;;",
            "porte_bindx=no; xporte_bind=no; porte_bin=no",
            "",
        ];
        for header in headers {
            let found: Vec<_> = named(header, "porte_bind")
                .map(|c| (c.name().to_owned(), c.value().to_owned()))
                .collect();
            assert_eq!(found, parsed_all(header, "porte_bind"), "{header:?}");
        }
        assert_eq!(
            named("porte%5Fbind=v", "porte_bind")
                .next()
                .map(|c| c.value().to_owned()),
            Some("v".into()),
            "a percent-encoded name is still found"
        );
    }
}
