//! Any OpenID provider by discovery (Keycloak, the local provider, …): the `OIDC_<NAME>_…`
//! family. `ISSUER`, `CLIENT_ID`, `CLIENT_SECRET` are required; `SCOPES`, `LABEL` and
//! `GROUPS_CLAIM` (default `groups`) are optional.

use super::{
    split_scopes, standard_claims, ClientAuth, Endpoints, Groups, IssuerRule, Logout, Profile,
    ProfileSource, ProviderSpec, Scopes,
};
use crate::auth::server::config::{default_label, ClientSecret, ConfigError, Vars};
use crate::auth::ProviderId;

/// Scopes requested when `OIDC_<NAME>_SCOPES` is not set.
pub const DEFAULT_SCOPES: &str = "openid profile email";

const SUFFIXES: [&str; 6] = [
    "_ISSUER",
    "_CLIENT_ID",
    "_CLIENT_SECRET",
    "_SCOPES",
    "_LABEL",
    "_GROUPS_CLAIM",
];

/// Every `OIDC_<NAME>_…` family.
pub fn from_vars(vars: &Vars) -> Result<Vec<ProviderSpec>, ConfigError> {
    vars.families("OIDC_", &SUFFIXES)
        .iter()
        .map(|name| one(vars, name))
        .collect()
}

fn one(vars: &Vars, name: &str) -> Result<ProviderSpec, ConfigError> {
    let var = |suffix: &str| format!("OIDC_{name}{suffix}");
    let id = ProviderId::parse(name).map_err(|e| ConfigError::Invalid {
        name: var("_ISSUER"),
        reason: e.to_string(),
    })?;
    let issuer = vars.required(&var("_ISSUER"))?;
    vars.required_url(&var("_ISSUER"))?;
    let scopes = split_scopes(vars.get(&var("_SCOPES")).unwrap_or(DEFAULT_SCOPES));
    Ok(ProviderSpec {
        id,
        label: vars.label(&var("_LABEL"), &default_label(name)),
        client_id: vars.required(&var("_CLIENT_ID"))?,
        client_secret: ClientSecret::new(vars.required(&var("_CLIENT_SECRET"))?),
        endpoints: Endpoints::Discovery {
            issuer,
            issuer_rule: IssuerRule::Exact,
        },
        scopes: Scopes {
            base: scopes,
            ..Scopes::default()
        },
        auth_params: Vec::new(),
        consent_for_offline: true,
        client_auth: ClientAuth::Basic,
        pkce: true,
        profile: Profile {
            source: ProfileSource::Userinfo,
            emails: None,
            map: standard_claims,
        },
        groups: Groups::Claim(vars.label(&var("_GROUPS_CLAIM"), "groups")),
        api_base: None,
        logout: Logout::EndSession,
    })
}
