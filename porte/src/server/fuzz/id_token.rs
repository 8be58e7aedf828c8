//! The ID token validator (`id_token::verify`) against a fixed JWKS: random and near-valid
//! tokens never pass; tokens really signed with random claims pass only when every rule holds.
//! Also `check_issuer` for every issuer rule.

use super::{b64url, json_leaf, object_with, run, text_with};
use crate::server::oauth::discovery::{Discovered, DiscoveryDocument};
use crate::server::oauth::id_token::{check_issuer, verify, LEEWAY_SECS};
use crate::server::providers::IssuerRule;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A throw-away P-256 key (PKCS#8 DER, base64) made for these tests only.
const EC_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZwcBizuwowwbBYHMrGqbCivagDom4C+yoT7Mmot7ZZihRANCAARTW9nolerkYUm2szzGYFjWmTvE8ONWI++R0yxwbPXmz3DPsrNa/nb2wDIKpgCjFf0sygNH7M+lzQBbH0cfdX+J";
const EC_X: &str = "U1vZ6JXq5GFJtrM8xmBY1pk7xPDjViPvkdMscGz15s8";
const EC_Y: &str = "cM-ys1r-dvbAMgqmAKMV_SzKA0fsz6XNAFsfRx91f4k";
const ISSUER: &str = "https://idp.example.test";
const CLIENT: &str = "porte-client";
const NONCE: &str = "n1";
const CLAIMS: &[&str] = &[
    "iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "azp", "tid",
];

fn keys() -> Discovered {
    let doc: DiscoveryDocument = serde_json::from_value(json!({
        "issuer": ISSUER, "authorization_endpoint": "a", "token_endpoint": "t", "jwks_uri": "j",
        "id_token_signing_alg_values_supported": ["ES256", "RS256", "HS256", "none"],
    }))
    .unwrap();
    let jwks = serde_json::from_value(json!({"keys": [
        {"kty": "EC", "kid": "ec1", "alg": "ES256", "use": "sig", "crv": "P-256", "x": EC_X, "y": EC_Y}
    ]}))
    .unwrap();
    Discovered::new(doc, jwks)
}

fn now() -> i64 {
    jsonwebtoken::get_current_timestamp() as i64
}

/// A time `offset` seconds from when the case runs (not when the strategy was made).
fn at(offset: i64) -> Value {
    json!({ "$now": offset })
}

fn resolve(v: &Value, t: i64) -> Value {
    match v.get("$now").and_then(Value::as_i64) {
        Some(offset) => json!(t + offset),
        None => v.clone(),
    }
}

/// A claim: choice 0 is always the good value; the others are wrong, of the wrong type, or
/// edge cases.
fn claim(name: &'static str) -> BoxedStrategy<(u8, Value)> {
    let wrong: Vec<Value> = match name {
        "iss" => vec![
            json!("https://evil.example"),
            json!(format!("{ISSUER}/")),
            json!(1),
        ],
        "sub" => vec![json!(""), json!(5), Value::Null],
        "aud" => vec![
            json!([CLIENT]),
            json!([CLIENT, "other"]),
            json!("other"),
            json!([]),
            json!(7),
        ],
        "exp" => vec![
            at(-3600),
            at(-61),
            json!(u64::MAX),
            json!(-1),
            json!(1e300),
            json!("9999999999"),
            json!(1e10 + 0.5),
        ],
        "iat" => vec![
            at(3600),
            at(61),
            json!(-5),
            json!(u64::MAX),
            json!("0"),
            json!(0.5),
        ],
        "nbf" => vec![at(3600), at(-10), json!("x"), json!(i64::MIN)],
        "nonce" => vec![json!("n2"), json!(1), Value::Null],
        _ => vec![json!(CLIENT), json!("other"), json!(3)],
    };
    let good = match name {
        "iss" => json!(ISSUER),
        "sub" => json!("u1"),
        "aud" => json!(CLIENT),
        "exp" => at(300),
        "iat" => at(0),
        "nonce" => json!(NONCE),
        _ => Value::Null, // nbf, azp: absent is good
    };
    let n = wrong.len() as u8;
    prop_oneof![
        3 => Just((0u8, good)),
        2 => (0..n).prop_map(move |i| (i + 1, wrong[i as usize].clone())),
        1 => json_leaf(&[]).prop_map(|v| (99, v)),
        1 => Just((100, Value::Null)).prop_map(|(c, _)| (c, json!("__absent__"))),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
enum Input {
    Junk(String),
    /// `header.claims.signature`, each part random or near-valid.
    Parts(Vec<String>),
    /// Really signed with the JWKS key; `kid` given or not (the only key is then used).
    Signed {
        claims: Vec<(&'static str, u8, Value)>,
        kid: bool,
        extra: Map<String, Value>,
    },
}

fn input() -> impl Strategy<Value = Input> {
    let header = prop_oneof![
        Just(json!({"alg": "ES256", "kid": "ec1"})),
        Just(json!({"alg": "HS256", "kid": "ec1"})),
        Just(json!({"alg": "none"})),
        Just(json!({"alg": "RS256", "kid": "ec1"})),
        Just(json!({"alg": "ES256", "kid": "other"})),
        object_with(&["alg", "kid", "typ", "crit"], json_leaf(&["ES256", "ec1"]))
            .prop_map(Value::Object),
    ]
    .prop_map(|h| URL_SAFE_NO_PAD.encode(h.to_string()));
    let part = prop_oneof![
        header,
        object_with(CLAIMS, json_leaf(&[ISSUER, CLIENT, NONCE]))
            .prop_map(|c| URL_SAFE_NO_PAD.encode(Value::Object(c).to_string())),
        b64url(0..80),
        b64url(64..65),
        any::<String>(),
        Just(String::new()),
    ];
    let signed = (
        CLAIMS.iter().map(|c| claim(c)).collect::<Vec<_>>(),
        any::<bool>(),
        object_with(&["email", "groups", "at_hash"], json_leaf(&[])),
    )
        .prop_map(|(choices, kid, extra)| Input::Signed {
            claims: CLAIMS
                .iter()
                .zip(choices)
                .map(|(k, (c, v))| (*k, c, v))
                .collect(),
            kid,
            extra,
        });
    prop_oneof![
        1 => any::<String>().prop_map(Input::Junk),
        3 => prop::collection::vec(part, 1..5).prop_map(Input::Parts),
        3 => signed,
    ]
}

#[test]
fn fuzz_id_token() {
    let keys = keys();
    let der = STANDARD.decode(EC_PKCS8).unwrap();
    let signing = EncodingKey::from_ec_der(&der);
    let check = |raw: &str| verify(raw, &keys, &IssuerRule::Exact, CLIENT, Some(NONCE));
    run("ID token", input(), |input| {
        match input {
            Input::Junk(raw) => prop_assert!(check(&raw).is_err()),
            Input::Parts(parts) => {
                let raw = parts.join(".");
                prop_assert!(check(&raw).is_err(), "{}", raw);
            }
            Input::Signed { claims, kid, extra } => {
                let mut body = extra;
                let t = now();
                let claims: Vec<_> = claims
                    .into_iter()
                    .map(|(k, c, v)| (k, c, resolve(&v, t)))
                    .collect();
                for (k, _, v) in &claims {
                    if v != &json!("__absent__")
                        && !(v.is_null() && matches!(*k, "nbf" | "azp" | "tid"))
                    {
                        body.insert(k.to_string(), v.clone());
                    } else {
                        body.remove(*k);
                    }
                }
                let mut header = Header::new(Algorithm::ES256);
                header.kid = kid.then(|| "ec1".to_owned());
                let raw = encode(&header, &body, &signing).unwrap();
                let result = check(&raw);
                // Every claim good (and the extra ones within serde_json's nesting limit).
                let parses =
                    serde_json::from_str::<Value>(&Value::Object(body.clone()).to_string());
                if claims.iter().all(|(k, c, _)| *c == 0 || *k == "tid") && parses.is_ok() {
                    prop_assert!(result.is_ok(), "{:?}: {:?}", body, result);
                }
                if let Ok(got) = result {
                    // Accepted: then every rule holds.
                    let num = |k: &str| got.get(k).and_then(Value::as_f64);
                    prop_assert_eq!(got.get("iss"), Some(&json!(ISSUER)));
                    prop_assert_eq!(got.get("nonce"), Some(&json!(NONCE)));
                    prop_assert!(got.get("sub").is_some());
                    let aud = got.get("aud");
                    let ours = aud == Some(&json!(CLIENT))
                        || aud
                            .and_then(Value::as_array)
                            .is_some_and(|a| a.contains(&json!(CLIENT)));
                    prop_assert!(ours, "aud {:?}", aud);
                    let several = aud.and_then(Value::as_array).is_some_and(|a| a.len() > 1);
                    let azp = got.get("azp").and_then(Value::as_str);
                    prop_assert!(azp.is_none_or(|a| a == CLIENT) && (!several || azp.is_some()));
                    prop_assert!(num("exp").is_some_and(|e| e + LEEWAY_SECS as f64 >= t as f64));
                    prop_assert!(
                        num("iat").is_some_and(|i| i <= (t + LEEWAY_SECS as i64 + 1) as f64)
                    );
                    let nbf = got.get("nbf");
                    let limit = (t + LEEWAY_SECS as i64 + 1) as f64;
                    let nbf_ok = nbf.is_none_or(|n| n.as_f64().is_some_and(|n| n <= limit));
                    prop_assert!(nbf_ok, "nbf {:?}", nbf);
                }
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_check_issuer() {
    let rule = prop_oneof![
        Just(IssuerRule::Exact),
        Just(IssuerRule::SchemelessAlias),
        prop_oneof![Just("common"), Just("organizations")].prop_map(|t| IssuerRule::EntraTenant {
            tenant: t.into(),
            allowed: Vec::new()
        }),
    ];
    let discovered = prop_oneof![
        Just("https://accounts.google.com".to_owned()),
        Just("https://login.example/{tenantid}/v2.0".to_owned()),
        text_with(&["http://idp", "{tenantid}"]),
    ];
    let claims = object_with(
        &["iss", "tid"],
        text_with(&[
            "accounts.google.com",
            "https://login.example/t1/v2.0",
            "t1",
            "9188040d-6c67-4c5b-b112-36a304b66dad",
        ])
        .prop_map(Value::from)
        .boxed(),
    );
    run(
        "ID token iss",
        (rule, discovered, claims),
        |(rule, discovered, claims)| {
            let ok = check_issuer(&rule, &discovered, &claims).is_ok();
            let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
            match &rule {
                IssuerRule::Exact => prop_assert_eq!(ok, iss == discovered),
                IssuerRule::SchemelessAlias if ok => prop_assert!(
                    iss == discovered
                        || discovered
                            .split_once("://")
                            .is_some_and(|(_, bare)| bare == iss)
                ),
                IssuerRule::EntraTenant { tenant, .. } if ok => {
                    let tid = claims["tid"].as_str().unwrap();
                    let filled = discovered.replace("{tenantid}", tid);
                    prop_assert!(!tid.is_empty() && !tid.contains('/') && iss == filled);
                    prop_assert!(
                        !(tenant == "organizations"
                            && tid == "9188040d-6c67-4c5b-b112-36a304b66dad")
                    );
                }
                _ => {}
            }
            Ok(())
        },
    );
}
