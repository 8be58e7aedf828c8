//! Authgear: OpenID by discovery; the issuer is the bare origin `https://<AUTHGEAR_DOMAIN>`.
//! Variables: `AUTHGEAR_DOMAIN`, `AUTHGEAR_CLIENT_ID`, `AUTHGEAR_CLIENT_SECRET`, optional
//! `AUTHGEAR_SCOPES` (default `openid offline_access profile email`, as in Authgear's Flask
//! guide) and `AUTHGEAR_LABEL`. A domain with a scheme (`http://127.0.0.1:4010`) is used as is.

use super::{credentials, provider_id, split_scopes, IssuerRule, ProviderSpec, Scopes};
use crate::server::config::{domain_url, ClientSecret, ConfigError, Vars};

const TRIGGER: [&str; 3] = [
    "AUTHGEAR_DOMAIN",
    "AUTHGEAR_CLIENT_ID",
    "AUTHGEAR_CLIENT_SECRET",
];

/// Authgear: the project's endpoint (`myapp.authgear.cloud`, or a URL) and an OIDC client's id
/// and secret.
pub fn authgear(
    domain: &str,
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
) -> Result<ProviderSpec, ConfigError> {
    let vars = Vars::new([("domain".to_owned(), domain.to_owned())]);
    let issuer = domain_url(&vars, "domain")?;
    Ok(spec(
        issuer,
        client_id.into(),
        ClientSecret::new(client_secret),
    ))
}

/// The Authgear provider, when `AUTHGEAR_…` variables are set.
pub(crate) fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&TRIGGER) {
        return Ok(None);
    }
    let issuer = domain_url(vars, "AUTHGEAR_DOMAIN")?;
    let (id, secret) = credentials(vars, "AUTHGEAR")?;
    Ok(Some(
        spec(issuer, id, ClientSecret::new(secret)).env_overrides(vars, "AUTHGEAR"),
    ))
}

fn spec(issuer: String, client_id: String, secret: ClientSecret) -> ProviderSpec {
    let id = provider_id("authgear").expect("valid id");
    let defaults =
        ProviderSpec::openid_defaults(id, "Authgear", client_id, secret, issuer, IssuerRule::Exact);
    ProviderSpec {
        brand: "authgear",
        scopes: Scopes {
            base: split_scopes("openid offline_access profile email"),
            ..Scopes::default()
        },
        consent_for_offline: true,
        ..defaults
    }
}
