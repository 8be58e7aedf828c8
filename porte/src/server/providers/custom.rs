//! Custom OAuth 2.0 providers, every endpoint given explicitly (Flet's `OAuthProvider`).
//!
//! From Rust, build a [`ProviderSpec`] with [`oauth`] and your own mapping function; from the
//! environment, the `OAUTH_<NAME>_…` family: `AUTHORIZATION_URL`, `TOKEN_URL`, `USERINFO_URL`,
//! `CLIENT_ID`, `CLIENT_SECRET` (required, except for a public client); `SCOPES`, `CLIENT_AUTH`
//! (`basic`, `post` or `none` for a public client, default `basic`), `USER_ID_FIELD` (default `sub`, then `id`), `PKCE` (default true), `GROUPS_URL`
//! (an array of objects whose `name` is the group's id, pages via `Link`), `GROUPS` (which of
//! them to read: `*` or a list; none by default), `LABEL`.

use super::{
    client_credentials, code_url, provider_id, standard_claims, text, with_client_auth, ClientAuth,
    Endpoints, GroupSelection, Groups, Logout, MapProfile, MappedUser, Paging, Profile,
    ProfileInput, ProfileSource, ProviderSpec, Revocation, Scopes,
};
use crate::server::config::{default_label, ClientSecret, ConfigError, Vars};
use crate::{Group, ProviderId};

const SUFFIXES: [&str; 12] = [
    "_AUTHORIZATION_URL",
    "_TOKEN_URL",
    "_USERINFO_URL",
    "_CLIENT_ID",
    "_CLIENT_SECRET",
    "_SCOPES",
    "_CLIENT_AUTH",
    "_USER_ID_FIELD",
    "_PKCE",
    "_GROUPS_URL",
    "_GROUPS",
    "_LABEL",
];

/// The endpoints of a plain OAuth 2.0 provider.
#[derive(Debug, Clone)]
pub struct OAuthEndpoints {
    /// Authorization endpoint.
    pub authorization: String,
    /// Token endpoint.
    pub token: String,
    /// Profile endpoint (bearer GET returning a JSON object).
    pub userinfo: String,
}

/// Any OAuth 2.0 provider, every endpoint given (Flet's `OAuthProvider`): the id you give it, its
/// endpoints, and a client id and secret. The profile is mapped as standard claims (id from
/// `sub`, else `id`); give your own mapping with [`ProviderSpec::with_profile`].
pub fn oauth(
    id: &str,
    endpoints: OAuthEndpoints,
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
) -> Result<ProviderSpec, ConfigError> {
    let id = provider_id(id)?;
    for (what, url) in [
        ("authorization endpoint", &endpoints.authorization),
        ("token endpoint", &endpoints.token),
        ("userinfo endpoint", &endpoints.userinfo),
    ] {
        code_url(what, url)?;
    }
    Ok(ProviderSpec {
        label: default_label(id.as_str()),
        id,
        brand: "oauth",
        client_id: client_id.into(),
        client_secret: ClientSecret::new(client_secret),
        endpoints: Endpoints::Explicit {
            authorization: endpoints.authorization,
            token: endpoints.token,
            userinfo: Some(endpoints.userinfo.clone()),
            revocation: None,
        },
        scopes: Scopes::default(),
        auth_params: Vec::new(),
        consent_for_offline: false,
        client_auth: ClientAuth::Basic,
        pkce: true,
        profile: Profile::new(ProfileSource::Url(endpoints.userinfo), sub_or_id),
        groups: Groups::None,
        read_groups: GroupSelection::None,
        api_base: None,
        logout: Logout::None,
        revocation: Revocation::Rfc7009,
    })
}

/// Standard claims, with the id from `sub`, else `id`.
pub(crate) fn sub_or_id(input: &ProfileInput) -> MappedUser {
    let mut user = standard_claims(input);
    user.id = user.id.or_else(|| text(input.profile, "id"));
    user
}

/// Standard claims with the id read from `field`.
fn with_id(input: &ProfileInput, field: &str) -> MappedUser {
    MappedUser {
        id: text(input.profile, field),
        ..standard_claims(input)
    }
}

/// Every `OAUTH_<NAME>_…` family.
pub(crate) fn from_vars(vars: &Vars) -> Result<Vec<ProviderSpec>, ConfigError> {
    vars.families("OAUTH_", &SUFFIXES)
        .iter()
        .map(|name| one(vars, name))
        .collect()
}

fn one(vars: &Vars, name: &str) -> Result<ProviderSpec, ConfigError> {
    let var = |suffix: &str| format!("OAUTH_{name}{suffix}");
    ProviderId::parse(name).map_err(|e| ConfigError::Invalid {
        name: var("_CLIENT_ID"),
        reason: e.to_string(),
    })?;
    let endpoints = OAuthEndpoints {
        authorization: vars.required_url(&var("_AUTHORIZATION_URL"))?,
        token: vars.required_url(&var("_TOKEN_URL"))?,
        userinfo: vars.required_url(&var("_USERINFO_URL"))?,
    };
    let (client_id, secret, auth) = client_credentials(vars, &format!("OAUTH_{name}"))?;
    let spec = oauth(&name.to_ascii_lowercase(), endpoints, client_id, secret)?
        .with_label(default_label(name))
        .env_overrides(vars, &format!("OAUTH_{name}"));
    let mut spec = with_client_auth(spec, auth);
    spec.pkce = vars.flag(&var("_PKCE"), true)?;
    // A `fn` cannot capture the field name, so the usual names are spelled out.
    let map: Option<MapProfile> = match vars.get(&var("_USER_ID_FIELD")) {
        None | Some("sub") => None,
        Some("id") => Some(|i| with_id(i, "id")),
        Some("user_id") => Some(|i| with_id(i, "user_id")),
        Some("login") => Some(|i| with_id(i, "login")),
        Some("email") => Some(|i| with_id(i, "email")),
        Some(_) => {
            return Err(ConfigError::Invalid {
                name: var("_USER_ID_FIELD"),
                reason: "one of sub, id, user_id, login, email (or map it in Rust)".into(),
            })
        }
    };
    if let Some(map) = map {
        spec.profile.map = map;
    }
    if let Some(url) = vars.get(&var("_GROUPS_URL")) {
        spec.groups = Groups::Paged {
            url: vars.url(&var("_GROUPS_URL"), url)?,
            paging: Paging::LinkHeader,
            group: |g, _| {
                let id = g.get("name")?.as_str().filter(|n| !n.is_empty())?;
                Some(Group::new(id, None))
            },
        };
    }
    Ok(spec)
}
