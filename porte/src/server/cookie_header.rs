//! Cookies of a `Cookie` request header, found by name, and `Set-Cookie` values written.
//!
//! A browser sends every cookie of the host on every request: the app's own, and on a shared
//! host (localhost in development) other servers' too. Parsing them all (percent-decoding
//! names and values) to find one of Porte's cost more than the rest of the lookup. A pair can
//! only decode to a given name if it is sent as that name or carries a `%` in its name, so the
//! others are skipped before the cookie crate parses anything.

use axum::http::HeaderValue;
use cookie::Cookie;

/// The cookies called `name` in `header`, in the order sent, as the cookie crate's
/// `split_parse_encoded` reads them (pairs it cannot parse are skipped).
pub(crate) fn named<'h>(header: &'h str, name: &'h str) -> impl Iterator<Item = Cookie<'h>> {
    header
        .split(';')
        .filter(move |pair| may_be_named(pair, name))
        // Without a `%` there is nothing to decode: `parse` reads the same cookie without
        // the pass over the value (400 bytes for a flow cookie) that decoding takes.
        .filter_map(|pair| {
            let pair = pair.trim();
            if pair.contains('%') {
                Cookie::parse_encoded(pair).ok()
            } else {
                Cookie::parse(pair).ok()
            }
        })
        .filter(move |cookie| cookie.name() == name)
}

/// Whether `pair` (`name=value` as sent) can decode to a cookie called `name`.
fn may_be_named(pair: &str, name: &str) -> bool {
    let sent = pair.split_once('=').map_or(pair, |(sent, _)| sent).trim();
    sent == name || sent.contains('%')
}

/// The `Set-Cookie` value for `cookie`. A name of letters, digits and `-_.` and a value of
/// cookie-octets (RFC 6265 §4.1.1) without `%` are written as they are, which is what Porte's
/// cookies are (base64, hex, dots) and what [`named`] reads back unchanged; anything else is
/// percent-encoded (`cookie.encoded()`). The crate's percent-encoding of a 400-byte sealed flow
/// cookie cost more than the rest of setting it.
pub(crate) fn set_cookie_value(cookie: &Cookie<'_>) -> Option<HeaderValue> {
    let as_is = cookie
        .name()
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && cookie.value().bytes().all(is_cookie_octet);
    let text = if as_is {
        cookie.to_string()
    } else {
        cookie.encoded().to_string()
    };
    HeaderValue::from_str(&text).ok()
}

/// A cookie-octet (visible ASCII but `"`, `,`, `;` and `\`) other than `%`, which reading
/// a cookie would decode.
fn is_cookie_octet(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\' | b'%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_values_read_back_as_set() {
        for (name, value) in [
            ("porte_flow_abc-_1", "p1.4f60ff3b.11Uq_uUcE-g"),
            ("porte_flow_x", "mX9+a/b=="),
            ("porte_bind", ""),
            ("odd name", "a;b=c d%"),
            ("n", "caf\u{e9}\"quoted\",\\"),
            ("n", "100%25"),
        ] {
            let mut cookie = Cookie::new(name, value);
            cookie.set_path("/api/oauth");
            cookie.set_http_only(true);
            cookie.set_same_site(cookie::SameSite::Lax);
            let header = set_cookie_value(&cookie).unwrap();
            let sent = header.to_str().unwrap().split(';').next().unwrap();
            let back = named(sent, name).next().expect(sent);
            assert_eq!((back.name(), back.value()), (name, value), "{sent}");
            assert!(header
                .to_str()
                .unwrap()
                .ends_with("; HttpOnly; SameSite=Lax; Path=/api/oauth"));
            if !value.contains(['+', '/', '=']) {
                // Without the octets it keeps, it is the crate's percent-encoded text exactly.
                assert_eq!(header.to_str().unwrap(), cookie.encoded().to_string());
            }
        }
    }

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
