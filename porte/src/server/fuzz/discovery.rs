//! The discovery document, the issuer rule applied to it, and the JWKS: parsed, each key turned
//! into a `DecodingKey`, and random tokens naming those keys checked against it.

use super::{b64url, doc, json_leaf, json_with, object_with, run, text_with};
use crate::server::oauth::discovery::{issuer_matches, Discovered, DiscoveryDocument};
use crate::server::oauth::id_token::verify;
use crate::server::providers::IssuerRule;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::DecodingKey;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const DOC_KEYS: &[&str] = &[
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "end_session_endpoint",
    "revocation_endpoint",
    "id_token_signing_alg_values_supported",
    "authorization_response_iss_parameter_supported",
    "response_types_supported",
];
const JWK_KEYS: &[&str] = &[
    "kty", "kid", "alg", "use", "key_ops", "n", "e", "crv", "x", "y", "k", "d", "x5c", "x5t",
    "x5t#S256", "x5u", "keys",
];
const ALGS: &[&str] = &[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA", "HS256",
    "none", "RSA-OAEP", "A128KW", "rs256", "",
];

fn typical_doc_value() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => text_with(&["https://idp.example", "https://idp.example/jwks"]).prop_map(Value::from),
        1 => prop::collection::vec(prop::sample::select(ALGS), 0..4).prop_map(|a| json!(a)),
        1 => any::<bool>().prop_map(Value::from),
    ]
    .boxed()
}

/// A discovery document: mostly complete with random values, sometimes missing fields.
fn discovery_json() -> BoxedStrategy<Value> {
    let full =
        (object_with(DOC_KEYS, typical_doc_value()), any::<String>()).prop_map(|(extra, s)| {
            let mut m: Map<String, Value> = json!({"issuer": s, "authorization_endpoint": s,
            "token_endpoint": s, "jwks_uri": s})
            .as_object()
            .unwrap()
            .clone();
            m.extend(extra);
            Value::Object(m)
        });
    prop_oneof![3 => full, 1 => json_with(DOC_KEYS)].boxed()
}

#[test]
fn fuzz_discovery_document() {
    let rule = prop_oneof![
        Just(IssuerRule::Exact),
        Just(IssuerRule::SchemelessAlias),
        prop_oneof![Just("common"), Just("organizations"), Just("t1"), Just("")].prop_map(|t| {
            IssuerRule::EntraTenant {
                tenant: t.into(),
                allowed: Vec::new(),
            }
        }),
    ];
    let authority = prop_oneof![Just("https://login.example".to_owned()), any::<String>()];
    let tenant_piece = prop_oneof![
        Just("{tenantid}".to_owned()),
        "[a-z0-9-]{0,12}",
        Just("a/b".to_owned()),
        any::<String>(),
    ];
    let input = (
        doc(discovery_json()),
        rule,
        (
            authority.clone(),
            authority,
            tenant_piece,
            any::<u8>(),
            any::<String>(),
        ),
    );
    run(
        "discovery document",
        input,
        |(d, rule, (a1, a2, piece, how, junk))| {
            let bytes = d.bytes();
            if let Ok(doc) = serde_json::from_slice::<DiscoveryDocument>(&bytes) {
                // (As a `Value` it may be too deep: unknown fields are skipped, not built.)
                if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                    prop_assert_eq!(Some(doc.issuer.as_str()), value["issuer"].as_str());
                    prop_assert_eq!(Some(doc.jwks_uri.as_str()), value["jwks_uri"].as_str());
                }
            }
            // The issuer rule, on the document's issuer as a provider would state it.
            let tenant = match &rule {
                IssuerRule::EntraTenant { tenant, .. } => tenant.clone(),
                _ => "t1".into(),
            };
            let configured = format!("{a1}/{tenant}/v2.0");
            let discovered = match how % 4 {
                0 => format!("{a2}/{piece}/v2.0"),
                1 => format!("{a1}/{piece}/v2.0"),
                2 => configured.clone(),
                _ => junk,
            };
            let ok = issuer_matches(&rule, &configured, &discovered);
            match &rule {
                IssuerRule::Exact | IssuerRule::SchemelessAlias => {
                    prop_assert_eq!(ok, configured == discovered)
                }
                IssuerRule::EntraTenant { .. } if ok => {
                    let middle = discovered
                        .strip_prefix(&format!("{a1}/"))
                        .and_then(|r| r.strip_suffix("/v2.0"));
                    prop_assert!(
                        middle.is_some_and(|t| !t.is_empty() && !t.contains('/')),
                        "{}",
                        discovered
                    );
                }
                _ => {}
            }
            Ok(())
        },
    );
}

fn typical_jwk_value() -> BoxedStrategy<Value> {
    prop_oneof![
        2 => prop::sample::select(&["RSA", "EC", "OKP", "oct", "rsa", "P-256", "P-384", "P-521",
            "Ed25519", "X25519", "secp256k1", "sig", "enc", "k1", "AQAB"][..]).prop_map(Value::from),
        1 => prop::sample::select(ALGS).prop_map(Value::from),
        3 => prop_oneof![b64url(0..4), b64url(30..34), b64url(60..70), b64url(250..260)]
            .prop_map(Value::from),
        1 => prop::collection::vec(b64url(0..40), 0..3).prop_map(|v| json!(v)),
    ]
    .boxed()
}

/// One JWK: a plausible key of each type with random parameters, or anything.
fn jwk() -> BoxedStrategy<Value> {
    let kty = prop_oneof![Just("RSA"), Just("EC"), Just("OKP"), Just("oct")];
    let plausible = (
        kty,
        object_with(JWK_KEYS, typical_jwk_value()),
        b64url(0..300),
        b64url(0..70),
    )
        .prop_map(|(kty, extra, big, small)| {
            let mut m = match kty {
                "RSA" => json!({"kty": "RSA", "n": big, "e": small}),
                "EC" => json!({"kty": "EC", "crv": "P-256", "x": small, "y": small}),
                "OKP" => json!({"kty": "OKP", "crv": "Ed25519", "x": small}),
                _ => json!({"kty": "oct", "k": small}),
            };
            let m = m.as_object_mut().unwrap();
            m.insert("kid".into(), json!("k1"));
            for (k, v) in extra {
                m.entry(k).or_insert(v);
            }
            Value::Object(m.clone())
        });
    prop_oneof![4 => plausible, 1 => object_with(JWK_KEYS, json_leaf(JWK_KEYS)).prop_map(Value::Object)]
        .boxed()
}

fn jwks_json() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::collection::vec(jwk(), 0..4).prop_map(|keys| json!({"keys": keys})),
        1 => json_with(JWK_KEYS),
    ]
    .boxed()
}

/// A token naming `kid` (or none) with a chosen algorithm and random claims and signature.
fn random_token() -> impl Strategy<Value = (Value, String, String)> {
    let header = (
        prop::sample::select(ALGS),
        prop_oneof![
            Just(Some("k1".to_owned())),
            Just(None),
            any::<String>().prop_map(Some)
        ],
        object_with(&["typ", "cty", "jku", "x5u", "crit"], json_leaf(&[])),
    )
        .prop_map(|(alg, kid, mut h)| {
            h.insert("alg".into(), json!(alg));
            if let Some(kid) = kid {
                h.insert("kid".into(), json!(kid));
            }
            Value::Object(h)
        });
    let claims = object_with(
        &["iss", "sub", "aud", "exp", "iat", "nonce"],
        json_leaf(&[]),
    );
    (header, claims, b64url(0..300))
        .prop_map(|(h, c, sig)| (h, serde_json::to_string(&c).unwrap(), sig))
}

#[test]
fn fuzz_jwks() {
    let doc: DiscoveryDocument = serde_json::from_value(json!({
        "issuer": "https://idp.example", "authorization_endpoint": "a", "token_endpoint": "t",
        "jwks_uri": "j", "id_token_signing_alg_values_supported": ALGS,
    }))
    .unwrap();
    let input = (doc_strategy(), random_token());
    run("JWKS", input, |(d, (header, claims, sig))| {
        let Ok(jwks) = serde_json::from_slice::<JwkSet>(&d.bytes()) else {
            return Ok(());
        };
        for key in &jwks.keys {
            let _ = DecodingKey::from_jwk(key);
            if let Some(kid) = &key.common.key_id {
                prop_assert!(jwks.find(kid).is_some());
            }
        }
        // What Porte does with the keys: pick one by `kid`, decode, verify. A random
        // signature never verifies, whatever the key.
        let b64 = |s: &[u8]| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
        };
        let token = format!(
            "{}.{}.{sig}",
            b64(header.to_string().as_bytes()),
            b64(claims.as_bytes())
        );
        let keys = Discovered::new(doc.clone(), jwks);
        let result = verify(&token, &keys, &IssuerRule::Exact, "porte", None);
        prop_assert!(result.is_err(), "{}", token);
        Ok(())
    });
}

fn doc_strategy() -> BoxedStrategy<super::Doc> {
    doc(jwks_json())
}
