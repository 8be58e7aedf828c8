//! What travels between Porte's parts outside its server functions' own types: the headers a
//! server-function call carries its sessions in (and the server's refusal of one), with the
//! `x-porte-session` value format (`<provider>=<sealed token>` items separated by commas; sealed
//! tokens are URL-safe base64 and dots, so neither `,` nor `=` can occur in them), which is also
//! how the browser stores them; an error as headers; and the names of the `BroadcastChannel`s.

use super::{ProviderId, SealedToken};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// Name of the `BroadcastChannel` on which the completion page reports to the page that opened it.
pub const LOGIN_CHANNEL: &str = "porte-login";
/// The channel on which tabs of this origin tell each other about sessions.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) const SYNC_CHANNEL: &str = "porte-session";
/// The channel of the refresh leader's heartbeat, where the browser has no Web Locks
/// (`<SYNC_CHANNEL>-leader`).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) const LEADER_CHANNEL: &str = "porte-session-leader";

/// The sessions a call carries.
pub(crate) const SESSION_HEADER: &str = "x-porte-session";
/// The error code of a refused call (`token_expired`, `invalid_session`, …), and of every error
/// Porte's server functions answer.
pub(crate) const ERROR_HEADER: &str = "x-porte-error";
/// The description that goes with `x-porte-error`, percent-encoded ([`encode_description`]):
/// the browser reads an error from these two headers, so it needs no JSON parser; the JSON
/// body says the same for other clients.
pub(crate) const ERROR_DESCRIPTION_HEADER: &str = "x-porte-error-description";
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

/// What a header value cannot hold as it is: control characters, and `%` itself (non-ASCII is
/// always encoded).
const NOT_IN_HEADERS: &AsciiSet = &CONTROLS.add(b'%');

/// The longest `x-porte-error-description` value: a balancer's buffer for a response's headers
/// can be as small as 4 KB (nginx's `proxy_buffer_size`), and a provider's description could
/// be longer. The JSON body keeps the whole text.
const MAX_DESCRIPTION_VALUE: usize = 1024;

/// An error's description as an `x-porte-error-description` value: printable ASCII stays
/// legible, the rest is `%XX` (UTF-8); a description too long for a header ends in `…`.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub(crate) fn encode_description(text: &str) -> String {
    const ELLIPSIS: &str = "%E2%80%A6";
    let mut value = String::new();
    for (at, c) in text.char_indices() {
        let piece = utf8_percent_encode(&text[at..at + c.len_utf8()], NOT_IN_HEADERS);
        let piece = piece.to_string();
        if value.len() + piece.len() > MAX_DESCRIPTION_VALUE - ELLIPSIS.len() {
            value.push_str(ELLIPSIS);
            break;
        }
        value.push_str(&piece);
    }
    value
}

/// The description from an `x-porte-error-description` value.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) fn decode_description(value: &str) -> String {
    percent_decode_str(value).decode_utf8_lossy().into_owned()
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

    #[test]
    fn a_description_survives_a_header_whole() {
        for text in [
            "Sign in first.",
            "100% sûr\r\nx-evil: 1",
            "",
            "日本語 \t tab",
        ] {
            let value = encode_description(text);
            assert!(
                value.bytes().all(|b| (0x20..0x7f).contains(&b)),
                "a header value holds visible ASCII only: {value}"
            );
            assert_eq!(decode_description(&value), text);
        }
        assert_eq!(
            encode_description("Sign in first."),
            "Sign in first.",
            "legible"
        );
    }

    #[test]
    fn a_description_too_long_for_a_header_is_cut_whole_characters_and_says_so() {
        for long in ["x".repeat(5000), "é".repeat(5000), "日".repeat(5000)] {
            let value = encode_description(&long);
            assert!(value.len() <= MAX_DESCRIPTION_VALUE, "{}", value.len());
            let read = decode_description(&value);
            assert!(read.ends_with('…'), "says it was cut");
            let kept = read.trim_end_matches('…');
            assert!(long.starts_with(kept), "whole characters, no replacement");
            assert!(
                kept.chars().count() > 100,
                "keeps what fits: {}",
                kept.len()
            );
        }
        let fits = "y".repeat(MAX_DESCRIPTION_VALUE - 20);
        assert_eq!(decode_description(&encode_description(&fits)), fits);
    }

    #[test]
    fn the_leader_channel_is_named_after_the_sync_channel() {
        assert_eq!(LEADER_CHANNEL, format!("{SYNC_CHANNEL}-leader"));
    }
}
