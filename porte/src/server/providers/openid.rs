//! Any OpenID provider by discovery (Keycloak, the local provider, …): the `OIDC_<NAME>_…`
//! family. `ISSUER`, `CLIENT_ID`, `CLIENT_SECRET` are required; `SCOPES`, `LABEL`,
//! `GROUPS_CLAIM` (default `groups`) and `GROUPS` (which groups to keep: `*`, the default, a
//! list of ids, or `none`) are optional.

use super::{
    client_credentials, code_url, provider_id, split_scopes, with_client_auth, Groups, IssuerRule,
    ProviderSpec, Scopes,
};
use crate::server::config::{default_label, ClientSecret, ConfigError, Vars};
use crate::ProviderId;

/// Scopes asked of an OpenID provider when none are configured.
pub const DEFAULT_SCOPES: &str = "openid profile email";

const SUFFIXES: [&str; 8] = [
    "_ISSUER",
    "_CLIENT_ID",
    "_CLIENT_SECRET",
    "_CLIENT_AUTH",
    "_SCOPES",
    "_LABEL",
    "_GROUPS_CLAIM",
    "_GROUPS",
];

/// Any OpenID provider, by discovery from its issuer (Keycloak, Okta, Zitadel, Authentik, …):
/// the id you give it (`[a-z0-9_-]`, in URLs and sessions), the issuer URL exactly as its
/// discovery document states it, and a confidential client's id and secret. Groups come from a
/// `groups` claim.
pub fn openid(
    id: &str,
    issuer: &str,
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
) -> Result<ProviderSpec, ConfigError> {
    let issuer = code_url("issuer", issuer)?;
    let id = provider_id(id)?;
    let label = default_label(id.as_str());
    let secret = ClientSecret::new(client_secret);
    Ok(spec(id, &label, client_id.into(), secret, issuer))
}

/// Every `OIDC_<NAME>_…` family.
pub(crate) fn from_vars(vars: &Vars) -> Result<Vec<ProviderSpec>, ConfigError> {
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
    let id = ProviderId::parse(&name.to_ascii_lowercase()).map_err(|e| ConfigError::Invalid {
        name: var("_CLIENT_ID"),
        reason: e.to_string(),
    })?;
    let (client_id, secret, auth) = client_credentials(vars, &prefix)?;
    let spec = spec(
        id,
        &default_label(name),
        client_id,
        ClientSecret::new(secret),
        issuer,
    )
    .env_overrides(vars, &prefix);
    let mut spec = with_client_auth(spec, auth);
    spec.groups = Groups::Claim(vars.label(&var("_GROUPS_CLAIM"), "groups"));
    Ok(spec)
}

fn spec(
    id: ProviderId,
    label: &str,
    client_id: String,
    secret: ClientSecret,
    issuer: String,
) -> ProviderSpec {
    let defaults =
        ProviderSpec::openid_defaults(id, label, client_id, secret, issuer, IssuerRule::Exact);
    ProviderSpec {
        scopes: Scopes {
            base: split_scopes(DEFAULT_SCOPES),
            ..Scopes::default()
        },
        consent_for_offline: true,
        ..defaults
    }
}
