//! ID token validation (OpenID Core §3.1.3.7) with `jsonwebtoken`: the signature against the
//! provider's JWKS with an asymmetric algorithm the provider announces, `aud` (and `azp` when
//! there are several audiences), `exp`/`nbf` with 60 s leeway, `iat` not in the future, the
//! `nonce` of this flow, and `iss` by the provider's [`IssuerRule`].

use crate::server::oauth::discovery::Discovered;
use crate::server::providers::{azure::CONSUMERS_TENANT_ID, IssuerRule};
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// Clock skew tolerated on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECS: u64 = 60;

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// The token names a key the JWKS does not have (fetch the JWKS again, once).
    #[error("no key {0:?} in the provider's JWKS")]
    UnknownKey(Option<String>),
    /// Anything else.
    #[error("{0}")]
    Invalid(String),
}

/// Validates `raw` and returns its claims.
pub fn verify(
    raw: &str,
    keys: &Discovered,
    rule: &IssuerRule,
    client_id: &str,
    nonce: Option<&str>,
) -> Result<Map<String, Value>, IdTokenError> {
    let invalid = |s: String| IdTokenError::Invalid(s);
    let header = decode_header(raw).map_err(|e| invalid(format!("header: {e}")))?;
    let allowed = allowed_algorithms(&keys.doc.id_token_signing_alg_values_supported);
    if !allowed.contains(&header.alg) {
        return Err(invalid(format!(
            "algorithm {:?} is not allowed",
            header.alg
        )));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.jwks.find(kid),
        None if keys.jwks.keys.len() == 1 => keys.jwks.keys.first(),
        None => None,
    }
    .ok_or_else(|| IdTokenError::UnknownKey(header.kid.clone()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(format!("JWK: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.algorithms = vec![header.alg];
    validation.leeway = LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud"]);
    let claims = decode::<Map<String, Value>>(raw, &key, &validation)
        .map_err(|e| invalid(e.to_string()))?
        .claims;
    check_issuer(rule, &keys.doc.issuer, &claims).map_err(invalid)?;
    check_azp(&claims, client_id).map_err(invalid)?;
    let now = jsonwebtoken::get_current_timestamp();
    match claims.get("iat").and_then(Value::as_u64) {
        Some(iat) if iat <= now + LEEWAY_SECS => {}
        _ => return Err(invalid("iat is missing or in the future".into())),
    }
    // `jsonwebtoken` skips an `nbf` it cannot read as a u64 (a string, a huge number): such a
    // token is refused rather than taken as having none.
    if let Some(nbf) = claims.get("nbf") {
        if !nbf
            .as_f64()
            .is_some_and(|n| n <= (now + LEEWAY_SECS) as f64)
        {
            return Err(invalid("nbf is malformed or in the future".into()));
        }
    }
    if let Some(expected) = nonce {
        if claims.get("nonce").and_then(Value::as_str) != Some(expected) {
            return Err(invalid("nonce does not match this login".into()));
        }
    }
    Ok(claims)
}

/// The asymmetric algorithms the provider announces (RS256 when it announces none). Symmetric
/// and `none` algorithms are never accepted, so a token "signed" with the public key as an
/// HMAC secret fails.
fn allowed_algorithms(announced: &[String]) -> Vec<Algorithm> {
    let list: Vec<Algorithm> = announced
        .iter()
        .filter_map(|a| a.parse::<Algorithm>().ok())
        .filter(|a| !matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
        .collect();
    if list.is_empty() {
        vec![Algorithm::RS256]
    } else {
        list
    }
}

/// `iss` by rule: exact; or also without the scheme (Google); or Entra's `{tenantid}` filled
/// with the token's own `tid` (and personal accounts refused for `organizations`).
pub fn check_issuer(
    rule: &IssuerRule,
    discovered: &str,
    claims: &Map<String, Value>,
) -> Result<(), String> {
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    let ok = match rule {
        IssuerRule::Exact => iss == discovered,
        IssuerRule::SchemelessAlias => {
            let bare = discovered
                .strip_prefix("https://")
                .or_else(|| discovered.strip_prefix("http://"));
            iss == discovered || Some(iss) == bare
        }
        IssuerRule::EntraTenant { tenant, .. } => {
            let tid = claims.get("tid").and_then(Value::as_str).unwrap_or("");
            let tid_ok = !tid.is_empty()
                && tid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !(tenant == "organizations" && tid == CONSUMERS_TENANT_ID);
            tid_ok && iss == discovered.replace("{tenantid}", tid)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "iss {iss:?} does not match the provider {discovered:?}"
        ))
    }
}

/// Several audiences: `azp` must be present and be us (OpenID Core §3.1.3.7 items 4–5).
fn check_azp(claims: &Map<String, Value>, client_id: &str) -> Result<(), String> {
    let several = matches!(claims.get("aud"), Some(Value::Array(a)) if a.len() > 1);
    match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != client_id => Err(format!("azp {azp:?} is not this client")),
        None if several => Err("several audiences and no azp".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn issuers_match_googles_schemeless_alias_and_entras_own_tenant_only() {
        use crate::server::{oauth::id_token::check_issuer, providers::IssuerRule};
        let claims = |v: serde_json::Value| v.as_object().unwrap().clone();
        let google = IssuerRule::SchemelessAlias;
        let doc = "https://accounts.google.com";
        assert!(check_issuer(
            &google,
            doc,
            &claims(serde_json::json!({"iss": "accounts.google.com"}))
        )
        .is_ok());
        assert!(check_issuer(
            &google,
            doc,
            &claims(serde_json::json!({"iss": "evil.example"}))
        )
        .is_err());
        let entra = IssuerRule::EntraTenant {
            tenant: "common".into(),
            allowed: Vec::new(),
        };
        let doc = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let ok = claims(
            serde_json::json!({"iss": "https://login.microsoftonline.com/t1/v2.0", "tid": "t1"}),
        );
        assert!(check_issuer(&entra, doc, &ok).is_ok());
        let forged = claims(
            serde_json::json!({"iss": "https://login.microsoftonline.com/t1/v2.0", "tid": "t2"}),
        );
        assert!(check_issuer(&entra, doc, &forged).is_err());
    }
}
