//! The compact wire: how a session's data ([`Authorization`](super::Authorization) and what
//! holds one) travels from the server to the browser and between tabs. postcard, a positional
//! binary format: each type Porte sends this way compiles a few small readers into the wasm
//! instead of serde_json's per-field matching (about 10 KB of every app's page, brotli).
//!
//! Sent this way: the answers of all of Porte's server functions, the completion page's result,
//! the messages between tabs and the provider list sent with the page. What stays JSON: the
//! requests, and the errors' bodies (the browser reads an error from its headers instead, see
//! `shared::wire`), for scripts and other clients.
//!
//! Strings go into postcard as they are, so tokens, ids and URLs remain legible in a response:
//! a search of the traffic for a secret finds it. Where the bytes must be text (the completion
//! page, which hands them on through `sessionStorage` and `postMessage`, and the page's provider
//! list), they are percent-encoded, which keeps letters, digits and `-_.~:/` as they are.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{ContentType, Decodes, Encodes, Format, FormatType};
use percent_encoding::{percent_decode_str, percent_encode_byte};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The value as compact bytes.
pub(crate) fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).unwrap_or_default()
}

/// A value from compact bytes; `None` for anything else (trailing bytes included).
pub(crate) fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    match postcard::take_from_bytes(bytes) {
        Ok((value, [])) => Some(value),
        _ => None,
    }
}

/// Bytes kept as they are in the text form: what tokens, ids and URLs are made of. Everything
/// else, `<`, `>`, `&` and quotes included (so the text can sit in HTML), is `%XX`.
const fn kept(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':' | b'/')
}

/// [`kept`] as a table: one load a byte.
static KEPT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = kept(byte as u8);
        byte += 1;
    }
    table
};

/// The value as compact bytes, percent-encoded: text safe in HTML and in string-only storage.
///
/// The same text as `percent_encode` with the set of bytes not [`kept`] (a test holds them
/// to it), in half the instructions: the crate's iterator tests each byte against a bit set,
/// about 12 instructions a byte, and the completion page encodes some 3 KB this way on every
/// login. [`from_text`] decodes with the crate.
pub(crate) fn to_text<T: Serialize>(value: &T) -> String {
    let bytes = to_bytes(value);
    let mut text = Vec::with_capacity(bytes.len() + bytes.len() / 4);
    // Sixteen bytes at a time: most are kept (the sealed token is base64url), and a block's test
    // compiles to loads and ands without a branch a byte.
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if block
            .iter()
            .fold(true, |all, &b| all & KEPT[usize::from(b)])
        {
            text.extend_from_slice(block);
        } else {
            encode_into(block, &mut text);
        }
    }
    encode_into(blocks.remainder(), &mut text);
    // Only ASCII was written.
    String::from_utf8(text).unwrap_or_default()
}

/// `bytes` percent-encoded onto `text`, a byte at a time.
fn encode_into(bytes: &[u8], text: &mut Vec<u8>) {
    for &b in bytes {
        if KEPT[usize::from(b)] {
            text.push(b);
        } else {
            text.extend_from_slice(percent_encode_byte(b).as_bytes());
        }
    }
}

/// A value from its text form ([`to_text`]).
pub(crate) fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_bytes(&percent_decode_str(text).collect::<Vec<u8>>())
}

/// The server-function encoding of Porte's answers (`output = Compact`). Their requests stay
/// JSON.
pub(crate) type Compact = Post<CompactCodec>;

/// postcard as a server-function codec (see [`Compact`]).
pub(crate) struct CompactCodec;

impl ContentType for CompactCodec {
    const CONTENT_TYPE: &'static str = "application/x-postcard";
}

impl FormatType for CompactCodec {
    const FORMAT_TYPE: Format = Format::Binary;
}

impl<T: Serialize> Encodes<T> for CompactCodec {
    type Error = postcard::Error;

    fn encode(value: &T) -> Result<bytes::Bytes, postcard::Error> {
        postcard::to_allocvec(value).map(bytes::Bytes::from)
    }
}

/// Read like [`from_bytes`]: a value followed by anything else is refused, not truncated.
impl<T: DeserializeOwned> Decodes<T> for CompactCodec {
    type Error = postcard::Error;

    fn decode(bytes: bytes::Bytes) -> Result<T, postcard::Error> {
        match postcard::take_from_bytes(&bytes)? {
            (value, []) => Ok(value),
            _ => Err(postcard::Error::SerdeDeCustom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{
        AccessToken, Authorization, Completion, Error, Group, JsonObject, ProviderId, ProviderInfo,
        SealedToken, SessionTimes, TokenInfo, UserProfile,
    };

    fn object(text: &str) -> JsonObject {
        serde_json::from_str(text).unwrap()
    }

    fn signed_in() -> Completion {
        let provider = ProviderId::parse("local").unwrap();
        let mut user = UserProfile::new(provider.clone(), "user-alice");
        user.name = Some("Alice <a&b>".into());
        user.email_verified = Some(true);
        user.groups = vec![
            Group::new("admins", None),
            Group::new("4ae1/7b1d", Some("Readers".into())),
        ];
        user.fields = object(r#"{"sub":"user-alice","nested":{"a":[1,2.5,null]}}"#);
        Completion {
            state: Some("st-123".into()),
            outcome: Ok(Authorization {
                provider: ProviderInfo::new(provider, "Local", "openid"),
                token: TokenInfo {
                    access_token: AccessToken::new("at-0123456789"),
                    token_type: "Bearer".into(),
                    scope: vec!["openid".into(), "email".into()],
                    expires_in: Some(3600),
                    expires_at: None,
                    has_refresh_token: true,
                    id_token_claims: Some(object(r#"{"iss":"http://127.0.0.1:4110"}"#)),
                },
                user: Some(user),
                session: SessionTimes::new(1, 2, 3),
                sealed: SealedToken::new("p1.c2VhbGVk.dGFn-_"),
            }),
        }
    }

    #[test]
    fn a_session_survives_the_compact_wire_whole() {
        let c = signed_in();
        assert_eq!(from_bytes::<Completion>(&to_bytes(&c)), Some(c.clone()));
        assert_eq!(from_text::<Completion>(&to_text(&c)), Some(c));
        let failed = Completion {
            state: None,
            outcome: Err(Error::new("access_denied", Some("No.".into()))),
        };
        assert_eq!(from_text::<Completion>(&to_text(&failed)), Some(failed));
    }

    /// What `to_text` must write: the percent-encoding crate's text.
    fn crates_text<T: Serialize>(value: &T) -> String {
        use percent_encoding::{percent_encode, AsciiSet, NON_ALPHANUMERIC};
        const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~')
            .remove(b':')
            .remove(b'/');
        percent_encode(&to_bytes(value), ESCAPED).to_string()
    }

    #[test]
    fn the_text_form_is_the_percent_encoding_crates_for_every_byte() {
        let every: Vec<u8> = (0..=255).collect();
        assert_eq!(to_text(&every), crates_text(&every));
        assert_eq!(to_text(&signed_in()), crates_text(&signed_in()));
    }

    proptest::proptest! {
        #[test]
        fn the_text_form_is_the_percent_encoding_crates(bytes: Vec<u8>, text: String) {
            proptest::prop_assert_eq!(to_text(&bytes), crates_text(&bytes));
            proptest::prop_assert_eq!(to_text(&text), crates_text(&text));
        }
    }

    #[test]
    fn the_text_form_fits_in_html_and_keeps_tokens_legible() {
        let text = to_text(&signed_in());
        for c in ['<', '>', '&', '"', '\'', ' '] {
            assert!(!text.contains(c), "{c} in {text}");
        }
        // A search of the traffic for a token or a URL still finds it.
        for legible in [
            "p1.c2VhbGVk.dGFn-_",
            "at-0123456789",
            "http://127.0.0.1:4110",
            "user-alice",
        ] {
            assert!(text.contains(legible), "{legible} in {text}");
        }
    }

    #[test]
    fn anything_but_a_whole_value_is_refused() {
        let bytes = to_bytes(&signed_in());
        assert_eq!(from_bytes::<Completion>(&bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(from_bytes::<Completion>(&longer), None, "trailing bytes");
        assert_eq!(
            from_bytes::<Completion>(b"{\"state\":null}"),
            None,
            "JSON is not it"
        );
        assert_eq!(from_text::<Completion>("%ZZ%"), None);
    }

    #[test]
    fn the_codec_reads_as_strictly_as_from_bytes() {
        let c = signed_in();
        let bytes = to_bytes(&c);
        let read = |b: &[u8]| {
            <CompactCodec as Decodes<Completion>>::decode(bytes::Bytes::copy_from_slice(b)).ok()
        };
        assert_eq!(read(&bytes), Some(c));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(read(&longer), None, "trailing bytes");
        assert_eq!(read(&bytes[..bytes.len() - 1]), None, "truncated");
        let encoded = <CompactCodec as Encodes<Completion>>::encode(&signed_in()).unwrap();
        assert_eq!(
            encoded.as_ref(),
            bytes.as_slice(),
            "the codec writes what to_bytes writes"
        );
    }

    #[test]
    fn a_profile_document_must_still_be_a_json_object() {
        // The document travels as its JSON text; text that is not an object is refused.
        for bad in ["[1]", "\"x\"", "{", ""] {
            assert_eq!(from_bytes::<JsonObject>(&to_bytes(&bad)), None, "{bad}");
        }
        let doc = object(r#"{"a":1}"#);
        assert_eq!(from_bytes::<JsonObject>(&to_bytes(&doc)), Some(doc));
    }

    #[test]
    fn groups_keep_their_json_shape() {
        let plain = serde_json::to_string(&Group::new("admins", None)).unwrap();
        assert_eq!(plain, r#"{"id":"admins"}"#);
        let named = serde_json::to_string(&Group::new("g1", Some("Readers".into()))).unwrap();
        assert_eq!(named, r#"{"id":"g1","name":"Readers"}"#);
        let old: Group = serde_json::from_str(r#""admins""#).unwrap();
        assert_eq!(old, Group::new("admins", None));
    }
}
