//! Authgear: OpenID by discovery; the issuer is the bare origin `https://<AUTHGEAR_DOMAIN>`.
//! Variables: `AUTHGEAR_DOMAIN`, `AUTHGEAR_CLIENT_ID`, `AUTHGEAR_CLIENT_SECRET`, optional
//! `AUTHGEAR_SCOPES` (default `openid offline_access profile email`, as in Authgear's Flask
//! guide) and `AUTHGEAR_LABEL`. A domain with a scheme (`http://127.0.0.1:4010`) is used as is.

use super::{split_scopes, IssuerRule, ProviderSpec, Scopes};
use crate::auth::server::config::{domain_url, ConfigError, Vars};

const TRIGGER: [&str; 3] = [
    "AUTHGEAR_DOMAIN",
    "AUTHGEAR_CLIENT_ID",
    "AUTHGEAR_CLIENT_SECRET",
];

/// The Authgear provider, when configured.
pub fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&TRIGGER) {
        return Ok(None);
    }
    let issuer = domain_url(vars, "AUTHGEAR_DOMAIN")?;
    let scopes = vars
        .get("AUTHGEAR_SCOPES")
        .unwrap_or("openid offline_access profile email");
    let spec = ProviderSpec::openid(
        vars,
        "AUTHGEAR",
        "authgear",
        "Authgear",
        issuer,
        IssuerRule::Exact,
    )?;
    Ok(Some(ProviderSpec {
        brand: "authgear",
        scopes: Scopes {
            base: split_scopes(scopes),
            ..Scopes::default()
        },
        consent_for_offline: true,
        ..spec
    }))
}
