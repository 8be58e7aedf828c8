//! Any OpenID provider by discovery (Keycloak, the local provider, …): the `OIDC_<NAME>_…`
//! family. `ISSUER`, `CLIENT_ID`, `CLIENT_SECRET` are required; `SCOPES`, `LABEL` and
//! `GROUPS_CLAIM` (default `groups`) are optional.

use super::{split_scopes, Groups, IssuerRule, ProviderSpec, Scopes};
use crate::auth::server::config::{default_label, ConfigError, Vars};

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
    let prefix = format!("OIDC_{name}");
    let var = |suffix: &str| format!("{prefix}{suffix}");
    let issuer = vars.required(&var("_ISSUER"))?;
    vars.required_url(&var("_ISSUER"))?;
    let spec = ProviderSpec::openid(
        vars,
        &prefix,
        &name.to_ascii_lowercase(),
        &default_label(name),
        issuer,
        IssuerRule::Exact,
    )?;
    Ok(ProviderSpec {
        scopes: Scopes {
            base: split_scopes(vars.get(&var("_SCOPES")).unwrap_or(DEFAULT_SCOPES)),
            ..Scopes::default()
        },
        consent_for_offline: true,
        groups: Groups::Claim(vars.label(&var("_GROUPS_CLAIM"), "groups")),
        ..spec
    })
}
