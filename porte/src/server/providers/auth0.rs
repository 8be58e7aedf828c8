//! Auth0: OpenID by discovery from `https://<AUTH0_DOMAIN>/` (the issuer ends with `/`).
//!
//! Quirks: the user is `/userinfo`; groups are a namespaced custom claim (Auth0 requires custom
//! claims to be namespaced), named by `AUTH0_GROUPS_CLAIM`; logout is the discovered
//! `end_session_endpoint` when the tenant publishes it, else `/v2/logout?client_id&returnTo`;
//! `offline_access` brings a refresh token when the API allows offline access.
//! Variables: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, optional
//! `AUTH0_GROUPS_CLAIM`, `AUTH0_AUDIENCE`, `AUTH0_SCOPES`, `AUTH0_LABEL`.

use super::{
    credentials, provider_id, split_scopes, Groups, IssuerRule, Logout, ProviderSpec, Scopes,
};
use crate::server::config::{domain_url, ClientSecret, ConfigError, Vars};

const TRIGGER: [&str; 3] = ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"];

/// Auth0: the tenant's domain (`tenant.eu.auth0.com`, or a custom domain) and a Regular Web
/// Application's client id and secret. Groups come from a custom claim (see
/// [`ProviderSpec::groups`]); an API audience from `auth_params`.
pub fn auth0(
    domain: &str,
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
) -> Result<ProviderSpec, ConfigError> {
    let vars = Vars::new([("domain".to_owned(), domain.to_owned())]);
    let base = domain_url(&vars, "domain")?;
    Ok(spec(
        base,
        client_id.into(),
        ClientSecret::new(client_secret),
    ))
}

/// The Auth0 provider, when `AUTH0_…` variables are set.
pub(crate) fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&TRIGGER) {
        return Ok(None);
    }
    let base = domain_url(vars, "AUTH0_DOMAIN")?;
    let (id, secret) = credentials(vars, "AUTH0")?;
    let mut spec = spec(base, id, ClientSecret::new(secret)).env_overrides(vars, "AUTH0");
    if let Some(audience) = vars.get("AUTH0_AUDIENCE") {
        spec.auth_params = vec![("audience".to_owned(), audience.to_owned())];
    }
    if let Some(claim) = vars.get("AUTH0_GROUPS_CLAIM") {
        spec.groups = Groups::Claim(claim.to_owned());
    }
    Ok(Some(spec))
}

fn spec(base: String, client_id: String, secret: ClientSecret) -> ProviderSpec {
    let issuer = format!("{base}/");
    let id = provider_id("auth0").expect("valid id");
    let defaults =
        ProviderSpec::openid_defaults(id, "Auth0", client_id, secret, issuer, IssuerRule::Exact);
    ProviderSpec {
        brand: "auth0",
        scopes: Scopes {
            base: split_scopes("openid offline_access"),
            user: split_scopes("profile email"),
            groups: Vec::new(),
        },
        groups: Groups::None,
        logout: Logout::EndSessionOrAuth0 { base },
        ..defaults
    }
}
