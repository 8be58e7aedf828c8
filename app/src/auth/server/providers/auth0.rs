//! Auth0: OpenID by discovery from `https://<AUTH0_DOMAIN>/` (the issuer ends with `/`).
//!
//! Quirks: the user is `/userinfo`; groups are a namespaced custom claim (Auth0 requires custom
//! claims to be namespaced), named by `AUTH0_GROUPS_CLAIM`; logout is the discovered
//! `end_session_endpoint` when the tenant publishes it, else `/v2/logout?client_id&returnTo`;
//! `offline_access` brings a refresh token when the API allows offline access.
//! Variables: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, optional
//! `AUTH0_GROUPS_CLAIM`, `AUTH0_AUDIENCE`, `AUTH0_SCOPES`, `AUTH0_LABEL`.

use super::{
    split_scopes, standard_claims, ClientAuth, Endpoints, Groups, IssuerRule, Logout, Profile,
    ProfileSource, ProviderSpec, Scopes,
};
use crate::auth::server::config::{domain_url, ClientSecret, ConfigError, Vars};
use crate::auth::ProviderId;

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
    Ok(Some(ProviderSpec {
        id: ProviderId::parse("auth0").expect("valid id"),
        label: vars.label("AUTH0_LABEL", "Auth0"),
        client_id: vars.required("AUTH0_CLIENT_ID")?,
        client_secret: ClientSecret::new(vars.required("AUTH0_CLIENT_SECRET")?),
        endpoints: Endpoints::Discovery {
            issuer: format!("{base}/"),
            issuer_rule: IssuerRule::Exact,
        },
        scopes: Scopes {
            base: split_scopes(vars.get("AUTH0_SCOPES").unwrap_or("openid offline_access")),
            user: split_scopes("profile email"),
            groups: Vec::new(),
        },
        auth_params,
        consent_for_offline: false,
        client_auth: ClientAuth::Basic,
        pkce: true,
        profile: Profile {
            source: ProfileSource::Userinfo,
            emails: None,
            map: standard_claims,
        },
        groups,
        api_base: None,
        logout: Logout::EndSessionOrAuth0 { base },
    }))
}
