//! ID-token attacks, each shown failing (OpenID Core §3.1.3.7). The RSA key below (PKCS#1 DER,
//! base64) is a throw-away key generated for these tests only; it signs nothing else.

use super::*;
use crate::server::oauth::discovery::{Discovered, DiscoveryDocument};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

const PRIVATE_DER_B64: &str = "MIIEowIBAAKCAQEAlF6DsW6ScDKDNVV3a3/EL2m4EuI+76953rzgv/IhOGg2Zj/7flSeCs/9AuL9g3VUrGs5z9I4XT1qpcBwl3T9vmyJFtFNBvyWk0rI/x0pbWZI+IlZAD8dNCX2GaNHlpqDre/cLuTsNVN84nuBPIZVGPx2Hxwzzl3W41kNXQQxvjZd8uILlijgYYsqOFZuUeLRencem6CZoyh+mlcXfzspFSPcZF7DYZsQU9jojAE7RYItHahddrQSJpQwF3j862/rE2lhaoQrbOQT/VU8EvlOOjnVdKaGO+TwnguAxua9sNPgBwppsorxmZMn3RN864YK/e9EyDlfq8JPbCSRYaM/IwIDAQABAoIBAEEcrVy7ssZMVKqeRFdH7fgExER9R7N2ZdxrNZLnFs8jZORApgUN64HBPz76ENmVL0CvmeJrVlMM9fWh24eMTyM3jH4YAl7TkN05D7ZtvNWG8vUniYiDKjTNiBA+SNd+HdXCkvV9f2/zoLXgD5pZNZVOjiQfA1lIc1q4pRWyFoZruHxV38Vp2QIsk7dpV75gbPHVL6rVKk41d9OWjzp9d/XwfJwU4Q5wqjmbTdPr2J1aWowyMy3sWid0/6hEwSdeq6U+WppoVriRsvXpQlOKAaDaYmH5pqlK0k2VDcXfC2rEbPB7DqEowhW00ij2LpUNqJkfVM/27rR6ckOHO0yPhhkCgYEAxwz2SValj1F242IoNXD3c7FTTHJJ7uekKPSBI/B96QTu6Y1v7GjRZoBp7Ude2nthXFnchBFekPIfJ1pxuEg3XRD0Q80uADizliOfa0BRFh8m0+AvtA3LNun9HqpSHPj7G/X7TGkkVnEhSaJKQpjO3Qvxp9+XtJorifhmjfkB0ecCgYEAvtF/vGpZAbg4wPUqCZBNU8dby2WHOGfL84OwNEIRuZ6uI5Ey2cFGab7gZLl2SXVbG9AL1bEjexChJ7PP76QxU7fU/TVY75GAzxoJDiJlzsg7qeAxbHFcUSPwFxYVoq/a55vjFuBJP6StFA45khfcQUeyz1tLtLRr44vi1op5OWUCgYBmoLpDKdeGw1vm9O8CTtJm5iCqo6qW8Pvk2dvTqeVhRVfhNzljzM9aaA81dbzkLQUP1o0p0sLNPOjvI2TKvQE+jMVER//VwWZmnMtPQwQLwdgFGeu+i/YgxBfrvalEouLlkbgVt4gywXWGP5TGLX9K3SOliFTxmyOjqV1HCgH0NQKBgDVv09a+7XgW0AXxYjlVaOJKVQGLyCdaofnq6gBodDBIKLobImNqxb49TvfGHEMME1yhkX7hYW9IQ+kraNLSZ2HrfEEAnIxScgENaHXF2j7jQhobh5u3z0OFzemZLKvnlWUA+cJhQwIIqtOP/D1WYz8AxildhsDvObt6ZCbylmolAoGBAMIP0/KV4z+Bc7mTbg6KzbUb6DTLTumXDLGfDONlXUc3J0wYGdVMXkVuC4Sbzb93G6pa45LnrETT1k15wluQPJX/cCs0Ygcs3udcH02lGY/buRAdFACzY9byoEIDxqt3X6sy4hEdMkKKpy7vW4ZM/8VLMi9MtyoGX+I7lzl3J5O2";
const PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlF6DsW6ScDKDNVV3a3/E\nL2m4EuI+76953rzgv/IhOGg2Zj/7flSeCs/9AuL9g3VUrGs5z9I4XT1qpcBwl3T9\nvmyJFtFNBvyWk0rI/x0pbWZI+IlZAD8dNCX2GaNHlpqDre/cLuTsNVN84nuBPIZV\nGPx2Hxwzzl3W41kNXQQxvjZd8uILlijgYYsqOFZuUeLRencem6CZoyh+mlcXfzsp\nFSPcZF7DYZsQU9jojAE7RYItHahddrQSJpQwF3j862/rE2lhaoQrbOQT/VU8EvlO\nOjnVdKaGO+TwnguAxua9sNPgBwppsorxmZMn3RN864YK/e9EyDlfq8JPbCSRYaM/\nIwIDAQAB\n-----END PUBLIC KEY-----";
const MODULUS: &str = "lF6DsW6ScDKDNVV3a3_EL2m4EuI-76953rzgv_IhOGg2Zj_7flSeCs_9AuL9g3VUrGs5z9I4XT1qpcBwl3T9vmyJFtFNBvyWk0rI_x0pbWZI-IlZAD8dNCX2GaNHlpqDre_cLuTsNVN84nuBPIZVGPx2Hxwzzl3W41kNXQQxvjZd8uILlijgYYsqOFZuUeLRencem6CZoyh-mlcXfzspFSPcZF7DYZsQU9jojAE7RYItHahddrQSJpQwF3j862_rE2lhaoQrbOQT_VU8EvlOOjnVdKaGO-TwnguAxua9sNPgBwppsorxmZMn3RN864YK_e9EyDlfq8JPbCSRYaM_Iw";
const ISSUER: &str = "https://idp.example.test";
const CLIENT: &str = "porte-client";

fn keys() -> Discovered {
    let doc: DiscoveryDocument = serde_json::from_value(json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://idp.example.test/auth",
        "token_endpoint": "https://idp.example.test/token",
        "jwks_uri": "https://idp.example.test/jwks",
        "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
    }))
    .unwrap();
    let jwks = serde_json::from_value(json!({"keys": [
        {"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig", "n": MODULUS, "e": "AQAB"}
    ]}))
    .unwrap();
    Discovered::new(doc, jwks)
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

fn good_claims() -> serde_json::Value {
    json!({"iss": ISSUER, "sub": "u1", "aud": CLIENT, "exp": now() + 300, "iat": now(), "nonce": "n1"})
}

fn signed(claims: &serde_json::Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(PRIVATE_DER_B64)
        .unwrap();
    encode(&header, claims, &EncodingKey::from_rsa_der(&der)).unwrap()
}

fn check(token: &str) -> Result<Map<String, Value>, IdTokenError> {
    verify(token, &keys(), &IssuerRule::Exact, CLIENT, Some("n1"))
}

fn refused(token: &str, why: &str) {
    assert!(check(token).is_err(), "accepted: {why}");
}

#[test]
fn a_good_token_is_accepted() {
    let claims = check(&signed(&good_claims(), "k1")).unwrap();
    assert_eq!(claims["sub"], "u1");
}

#[test]
fn each_tampered_claim_is_refused() {
    let with = |k: &str, v: serde_json::Value| {
        let mut c = good_claims();
        c[k] = v;
        signed(&c, "k1")
    };
    refused(&with("iss", json!("https://evil.example")), "wrong iss");
    refused(&with("aud", json!("someone-else")), "wrong aud");
    refused(
        &with("aud", json!([CLIENT, "other"])),
        "several audiences, no azp",
    );
    refused(&with("azp", json!("other")), "azp of another client");
    refused(&with("exp", json!(now() - 3600)), "expired");
    refused(&with("iat", json!(now() + 3600)), "issued in the future");
    refused(&with("nonce", json!("n2")), "another login's nonce");
    let mut no_nonce = good_claims();
    no_nonce.as_object_mut().unwrap().remove("nonce");
    refused(&signed(&no_nonce, "k1"), "no nonce");
    let mut several = good_claims();
    several["aud"] = json!([CLIENT, "other"]);
    several["azp"] = json!(CLIENT);
    assert!(
        check(&signed(&several, "k1")).is_ok(),
        "several audiences with our azp"
    );
}

#[test]
fn alg_none_hs256_with_the_public_key_and_bad_signatures_are_refused() {
    use base64::Engine;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT"})),
        b64(good_claims())
    );
    refused(&none, "alg none");
    // The classic confusion: HMAC "signed" with the provider's public key.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let hs = encode(
        &header,
        &good_claims(),
        &EncodingKey::from_secret(PUBLIC_PEM.as_bytes()),
    )
    .unwrap();
    refused(&hs, "HS256 with the public key");
    let good = signed(&good_claims(), "k1");
    let (head_payload, sig) = good.rsplit_once('.').unwrap();
    let flipped = format!(
        "{head_payload}.{}{}",
        if sig.starts_with('A') { "B" } else { "A" },
        &sig[1..]
    );
    refused(&flipped, "bad signature");
    let (head, rest) = good.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let mut other = good_claims();
    other["sub"] = json!("admin");
    let swapped = format!("{head}.{}.{sig}", b64(other));
    refused(&swapped, "payload swapped under a valid signature");
}

#[test]
fn an_unknown_key_id_asks_for_the_jwks_again() {
    assert_eq!(
        check(&signed(&good_claims(), "rotated")),
        Err(IdTokenError::UnknownKey(Some("rotated".into())))
    );
}
