//! The callback query (`RedirectQuery::parse`), the RFC 9207 `iss` check of the response, and
//! the return path a same-tab login lands on after the callback.

use super::{run, text_with};
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::login::return_path::safe_return_path;
use crate::server::oauth::discovery::{check_response_issuer, Discovered, DiscoveryDocument};
use crate::server::AuthError;
use proptest::prelude::*;
use std::collections::HashMap;

const NAMES: [&str; 5] = ["code", "state", "iss", "error", "error_description"];
const LOOKALIKES: &[&str] = &[
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "Code",
    "STATE",
    "code ",
    " iss",
    "state[]",
    "error-description",
    "codes",
    "",
];

/// How a key or value is written in the query.
#[derive(Debug, Clone, Copy)]
enum Enc {
    /// `application/x-www-form-urlencoded` (space as `+`).
    Form,
    /// Every byte as `%XX`.
    Upper,
    /// Every byte as `%xx`.
    Lower,
    /// As is, when that is unambiguous (else `Form`).
    Raw,
}

fn encode(s: &str, enc: Enc) -> String {
    let unambiguous = !s.contains(['&', '=', '+', '%']);
    match enc {
        Enc::Raw if unambiguous => s.to_owned(),
        Enc::Form | Enc::Raw => url::form_urlencoded::byte_serialize(s.as_bytes()).collect(),
        Enc::Upper => s.bytes().map(|b| format!("%{b:02X}")).collect(),
        Enc::Lower => s.bytes().map(|b| format!("%{b:02x}")).collect(),
    }
}

/// One `key=value` of a built query; `eq: false` writes `key` alone (an empty value).
#[derive(Debug, Clone)]
struct Param {
    key: String,
    value: String,
    key_enc: Enc,
    value_enc: Enc,
    eq: bool,
    empty_segment_before: bool,
}

#[derive(Debug, Clone)]
enum Query {
    Text(String),
    Bytes(Vec<u8>),
    Built(Vec<Param>),
}

fn enc() -> impl Strategy<Value = Enc> {
    prop_oneof![
        Just(Enc::Form),
        Just(Enc::Upper),
        Just(Enc::Lower),
        Just(Enc::Raw)
    ]
}

fn param() -> impl Strategy<Value = Param> {
    let key = prop_oneof![
        4 => prop::sample::select(&NAMES[..]).prop_map(str::to_owned),
        1 => prop::sample::select(LOOKALIKES).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    let value = text_with(&["c0de", "st4te", "https://idp.example", "access_denied"]);
    (
        key,
        value,
        enc(),
        enc(),
        any::<bool>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(key, value, key_enc, value_enc, eq, empty_segment_before)| Param {
                eq: eq || key.is_empty() || !value.is_empty(),
                key,
                value,
                key_enc,
                value_enc,
                empty_segment_before,
            },
        )
}

fn query() -> impl Strategy<Value = Query> {
    prop_oneof![
        1 => any::<String>().prop_map(Query::Text),
        1 => prop::collection::vec(any::<u8>(), 0..256).prop_map(Query::Bytes),
        4 => prop::collection::vec(param(), 0..10).prop_map(Query::Built),
    ]
}

fn field<'a>(q: &'a RedirectQuery, name: &str) -> &'a Option<String> {
    match name {
        "code" => &q.code,
        "state" => &q.state,
        "iss" => &q.iss,
        "error" => &q.error,
        _ => &q.error_description,
    }
}

/// What the parse must give: a parameter given exactly once has its value, else it is absent.
fn expected(pairs: impl IntoIterator<Item = (String, String)>) -> HashMap<String, Option<String>> {
    let mut seen: HashMap<String, Option<String>> = HashMap::new();
    for (k, v) in pairs {
        seen.entry(k).and_modify(|s| *s = None).or_insert(Some(v));
    }
    seen
}

#[test]
fn fuzz_callback_query() {
    run("callback query", query(), |q| {
        let (raw, model) = match &q {
            Query::Text(t) => (t.clone(), None),
            Query::Bytes(b) => (String::from_utf8_lossy(b).into_owned(), None),
            Query::Built(params) => {
                let mut raw = String::new();
                for p in params {
                    if p.empty_segment_before {
                        raw.push('&');
                    }
                    if !raw.is_empty() {
                        raw.push('&');
                    }
                    raw.push_str(&encode(&p.key, p.key_enc));
                    if p.eq {
                        raw.push('=');
                        raw.push_str(&encode(&p.value, p.value_enc));
                    }
                }
                let pairs = params.iter().map(|p| (p.key.clone(), p.value.clone()));
                (raw, Some(expected(pairs)))
            }
        };
        let parsed = RedirectQuery::parse(&raw);
        // Random input: the same rule, against the form decoding of the text itself.
        let model = model.unwrap_or_else(|| {
            expected(url::form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into(), v.into())))
        });
        for name in NAMES {
            let want = model.get(name).cloned().flatten();
            prop_assert_eq!(field(&parsed, name), &want, "{} in {:?}", name, raw);
        }
        Ok(())
    });
}

#[test]
fn fuzz_response_issuer() {
    let issuer = text_with(&["https://idp.example", "https://idp.example/", "idp.example"]);
    let got = prop_oneof![Just(0u8), Just(1), Just(2), Just(3)];
    let input = (issuer, got, any::<String>(), any::<bool>());
    run(
        "callback iss (RFC 9207)",
        input,
        |(issuer, how, other, supported)| {
            let iss = match how {
                0 => None,
                1 => Some(issuer.clone()),
                2 => Some(format!("{issuer}{other}")),
                _ => Some(other),
            };
            let mut doc: DiscoveryDocument = serde_json::from_value(serde_json::json!({
            "issuer": issuer, "authorization_endpoint": "a", "token_endpoint": "t", "jwks_uri": "j",
        }))
        .expect("a minimal discovery document");
            doc.authorization_response_iss_parameter_supported = supported;
            let d = Discovered::new(doc, jsonwebtoken::jwk::JwkSet { keys: Vec::new() });
            let result = check_response_issuer(&d, iss.as_deref());
            let ok = iss.as_deref() == Some(issuer.as_str()) || (iss.is_none() && !supported);
            prop_assert_eq!(result.is_ok(), ok, "{:?} against {:?}", iss, issuer);
            if let Err(e) = result {
                let kind_ok = matches!(
                    (&e, &iss),
                    (AuthError::IssuerMissing, None) | (AuthError::IssuerMismatch { .. }, Some(_))
                );
                prop_assert!(kind_ok, "{:?}", e);
            }
            Ok(())
        },
    );
}

/// Paths with the pieces that make a browser leave the origin.
fn return_path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/"),
        Just("//"),
        Just("\\"),
        Just("%2F"),
        Just("%2f"),
        Just("%5C"),
        Just("%252F"),
        Just("evil.example"),
        Just(".."),
        Just("."),
        Just("?x=1"),
        Just("#top"),
        Just("%00"),
        Just("\t"),
        Just(" "),
        Just("%20"),
        Just("https:"),
        Just("javascript:"),
        Just("@"),
        Just("%E2%80%AE"),
        Just("%FF"),
        Just("\u{2028}"),
        Just("a"),
        Just("welcome"),
    ];
    prop_oneof![
        1 => any::<String>(),
        1 => any::<String>().prop_map(|s| format!("/{s}")),
        4 => prop::collection::vec(piece, 0..8).prop_map(|p| p.concat()),
    ]
}

#[test]
fn fuzz_return_path() {
    run("return path", return_path(), |raw| {
        if let Some(path) = safe_return_path(&raw) {
            prop_assert!(
                path.starts_with('/') && !path.starts_with("//"),
                "{:?}",
                path
            );
            prop_assert!(!path.contains('\\'), "{:?}", path);
            let base = url::Url::parse("http://porte.invalid/").unwrap();
            let joined = base.join(&path).unwrap();
            prop_assert_eq!(joined.origin(), base.origin(), "{:?}", path);
            prop_assert_eq!(safe_return_path(&path), Some(path.clone()), "idempotent");
        }
        Ok(())
    });
}
