//! Auth0: OpenID by discovery from `https://<AUTH0_DOMAIN>/` (the issuer ends with `/`).
//!
//! Quirks: the user is `/userinfo`; groups are a namespaced custom claim (Auth0 requires custom
//! claims to be namespaced), named by `AUTH0_GROUPS_CLAIM`; logout is the discovered
//! `end_session_endpoint` when the tenant publishes it, else `/v2/logout?client_id&returnTo`;
//! `offline_access` brings a refresh token when the API allows offline access.
//! Variables: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, optional
//! `AUTH0_GROUPS_CLAIM`, `AUTH0_AUDIENCE`, `AUTH0_SCOPES`, `AUTH0_LABEL`.

use super::{split_scopes, Groups, IssuerRule, Logout, ProviderSpec, Scopes};
use crate::auth::server::config::{domain_url, ConfigError, Vars};

const TRIGGER: [&str; 3] = ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"];

/// The Auth0 provider, when configured.
pub fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&TRIGGER) {
        return Ok(None);
    }
    let base = domain_url(vars, "AUTH0_DOMAIN")?;
    let auth_params = vars
        .get("AUTH0_AUDIENCE")
        .map(|a| vec![("audience".to_owned(), a.to_owned())])
        .unwrap_or_default();
    let groups = match vars.get("AUTH0_GROUPS_CLAIM") {
        Some(claim) => Groups::Claim(claim.to_owned()),
        None => Groups::None,
    };
    let issuer = format!("{base}/");
    let spec = ProviderSpec::openid(vars, "AUTH0", "auth0", "Auth0", issuer, IssuerRule::Exact)?;
    Ok(Some(ProviderSpec {
        brand: "auth0",
        scopes: Scopes {
            base: split_scopes(vars.get("AUTH0_SCOPES").unwrap_or("openid offline_access")),
            user: split_scopes("profile email"),
            groups: Vec::new(),
        },
        auth_params,
        groups,
        logout: Logout::EndSessionOrAuth0 { base },
        ..spec
    }))
}
