//! Providers as data: one small file per built-in provider (endpoints, scopes, profile mapping,
//! quirks), each a typed constructor returning a [`ProviderSpec`] plus the reading of its
//! environment variables. Nothing provider-specific lives outside this folder; the login
//! machinery only reads the spec.
//!
//! ```
//! use porte::providers;
//! let github = providers::github("Iv1.abc", "secret").with_scopes(["public_repo"]);
//! let ghes = providers::github_enterprise("id", "secret", "https://ghe.example",
//!     "https://ghe.example/api/v3")?;
//! let google = providers::google("id.apps.googleusercontent.com", "secret");
//! let entra = providers::entra("app-id", "secret", "organizations")?;
//! let auth0 = providers::auth0("tenant.eu.auth0.com", "id", "secret")?;
//! let authgear = providers::authgear("app.authgear.cloud", "id", "secret")?;
//! let linkedin = providers::linkedin("id", "secret");
//! let keycloak = providers::openid("kc", "https://sso.example/realms/main", "app", "secret")?
//!     .with_label("Company SSO");
//! let acme = providers::oauth("acme", providers::OAuthEndpoints {
//!     authorization: "https://acme.example/authorize".into(),
//!     token: "https://acme.example/token".into(),
//!     userinfo: "https://api.acme.example/me".into(),
//! }, "id", "secret")?
//! .with_profile(|input| providers::MappedUser {
//!     id: providers::text(input.profile, "account_id"),
//!     ..providers::standard_claims(input)
//! });
//! assert_eq!(ghes.label, "GitHub");
//! assert_eq!(acme.id.as_str(), "acme");
//! # Ok::<(), porte::ConfigError>(())
//! ```

mod auth0;
mod authgear;
pub(crate) mod azure;
mod custom;
pub(crate) mod github;
mod google;
mod linkedin;
mod openid;

pub use auth0::auth0;
pub use authgear::authgear;
pub use azure::{entra, entra_in_cloud};
pub use custom::{oauth, OAuthEndpoints};
pub use github::{github, github_enterprise};
pub use google::google;
pub use linkedin::linkedin;
pub use openid::openid;

use crate::server::config::{ClientSecret, ConfigError, Vars};
use crate::{Group, ProviderId};
use serde_json::{Map, Value};

/// Everything Porte needs to know about one provider. Made by the constructors of this module;
/// change what differs with the `with_…` methods or by setting fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProviderSpec {
    /// Stable id (`github`, or `<name>` of `OIDC_<NAME>_…`).
    pub id: ProviderId,
    /// Button label.
    pub label: String,
    /// The mark on the button (`github`, `google`, …, `openid`, `oauth`).
    pub brand: &'static str,
    /// Registered client id.
    pub client_id: String,
    /// Registered client secret.
    pub client_secret: ClientSecret,
    /// Where the provider's endpoints come from.
    pub endpoints: Endpoints,
    /// Scopes: always, with `fetch_user`, with `fetch_groups`.
    pub scopes: Scopes,
    /// Extra authorization parameters (Google's `access_type=offline`).
    pub auth_params: Vec<(String, String)>,
    /// `prompt=consent` when `offline_access` is requested (OpenID Core §11).
    pub consent_for_offline: bool,
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// Whether to send PKCE (S256).
    pub pkce: bool,
    /// Where the user comes from and how it maps.
    pub profile: Profile,
    /// Where the groups come from.
    pub groups: Groups,
    /// Which groups the server reads at every sign-in and refresh (see
    /// [`ProviderSpec::with_groups`]).
    pub read_groups: GroupSelection,
    /// Base URL for API calls made with the user's token (GitHub API, Microsoft Graph).
    pub api_base: Option<String>,
    /// How RP-initiated logout works.
    pub logout: Logout,
    /// How tokens are revoked at logout.
    pub revocation: Revocation,
}

/// Token revocation at logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// RFC 7009 at the discovered `revocation_endpoint` (or the explicit one), when there is one.
    Rfc7009,
    /// GitHub: `DELETE <url>` with HTTP Basic client credentials and `{"access_token": …}`.
    GitHubApplicationToken {
        /// `<api>/applications/<client_id>/token`.
        url: String,
    },
}

impl ProviderSpec {
    /// Another id (and so another redirect flow and session), e.g. for two GitHub apps.
    pub fn with_id(mut self, id: ProviderId) -> Self {
        self.id = id;
        self
    }

    /// Another button label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// The scopes requested at every login, replacing the provider's default ones (the scopes
    /// Porte adds to fetch the user or the groups stay).
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.base = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Another profile mapping (Flet's `user_id_fn`, for every field).
    pub fn with_profile(mut self, map: MapProfile) -> Self {
        self.profile.map = map;
        self
    }

    /// Read the user's groups at every sign-in and refresh, and keep only these (by
    /// [`Group`](crate::Group) id: what the app's [`require_group`](crate::require_group) checks
    /// name). The server decides, whatever the page asks; keeping only the groups that matter
    /// keeps session tokens small for users in hundreds of groups. Environment:
    /// `<PREFIX>_GROUPS=admins,readers` (e.g. `GITHUB_GROUPS`, `AZURE_GROUPS`, `OIDC_<NAME>_GROUPS`).
    ///
    /// ```
    /// let github = porte::providers::github("id", "secret").with_groups(["acme/admins"]);
    /// assert!(github.read_groups.keeps("acme/admins") && !github.read_groups.keeps("acme/all"));
    /// ```
    pub fn with_groups<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.read_groups = GroupSelection::Only(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Read every group of the user at every sign-in and refresh (`<PREFIX>_GROUPS=*`). The
    /// default for providers that send groups as a claim (no extra request); GitHub and Entra
    /// need an extra scope and API call, so they read none unless told.
    pub fn with_all_groups(mut self) -> Self {
        self.read_groups = GroupSelection::All;
        self
    }

    /// Read no groups (`<PREFIX>_GROUPS=none`): group checks for this provider are refused.
    pub fn without_groups(mut self) -> Self {
        self.read_groups = GroupSelection::None;
        self
    }

    /// Entra ID only: accept accounts of these tenants (ids) alone (`AZURE_ALLOWED_TENANTS`).
    /// With the tenant `common` or `organizations` and no list, any organization's accounts can
    /// sign in (their groups are qualified by their own tenant, so they never match yours).
    pub fn with_allowed_tenants<S: Into<String>>(
        mut self,
        tenants: impl IntoIterator<Item = S>,
    ) -> Self {
        if let Endpoints::Discovery {
            issuer_rule: IssuerRule::EntraTenant { allowed, .. },
            ..
        } = &mut self.endpoints
        {
            *allowed = tenants.into_iter().map(Into::into).collect();
        }
        self
    }

    /// Whether the groups are read for this provider at all.
    pub(crate) fn reads_groups(&self) -> bool {
        self.read_groups != GroupSelection::None && !matches!(self.groups, Groups::None)
    }

    /// The base URL of the provider's API, for [`Session::api_get`](crate::Session::api_get).
    pub fn with_api_base(mut self, url: impl Into<String>) -> Self {
        self.api_base = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// An OpenID provider by discovery with the usual defaults (userinfo mapped as standard
    /// claims, PKCE, `client_secret_basic`, a `groups` claim, RP-initiated logout).
    pub(crate) fn openid_defaults(
        id: ProviderId,
        label: &str,
        client_id: String,
        client_secret: ClientSecret,
        issuer: String,
        issuer_rule: IssuerRule,
    ) -> Self {
        Self {
            id,
            label: label.to_owned(),
            brand: "openid",
            client_id,
            client_secret,
            endpoints: Endpoints::Discovery {
                issuer,
                issuer_rule,
            },
            scopes: Scopes {
                base: vec!["openid".into()],
                ..Scopes::default()
            },
            auth_params: Vec::new(),
            consent_for_offline: false,
            client_auth: ClientAuth::Basic,
            pkce: true,
            profile: Profile::new(ProfileSource::Userinfo, standard_claims),
            groups: Groups::Claim("groups".into()),
            read_groups: GroupSelection::All,
            api_base: None,
            logout: Logout::EndSession,
            revocation: Revocation::Rfc7009,
        }
    }

    /// Applies `<prefix>_LABEL` and, when set, `<prefix>_SCOPES` and `<prefix>_GROUPS`.
    pub(crate) fn env_overrides(mut self, vars: &Vars, prefix: &str) -> Self {
        if let Some(label) = vars.get(&format!("{prefix}_LABEL")) {
            self.label = label.to_owned();
        }
        if let Some(scopes) = vars.get(&format!("{prefix}_SCOPES")) {
            self.scopes.base = split_scopes(scopes);
        }
        if let Some(groups) = vars.get(&format!("{prefix}_GROUPS")) {
            self.read_groups = GroupSelection::parse(groups);
        }
        self
    }
}

/// `<prefix>_CLIENT_ID` and `<prefix>_CLIENT_SECRET`, both required.
pub(crate) fn credentials(vars: &Vars, prefix: &str) -> Result<(String, String), ConfigError> {
    Ok((
        vars.required(&format!("{prefix}_CLIENT_ID"))?,
        vars.required(&format!("{prefix}_CLIENT_SECRET"))?,
    ))
}

/// A provider id from code, or the error naming it.
pub(crate) fn provider_id(id: &str) -> Result<ProviderId, ConfigError> {
    ProviderId::parse(id).map_err(|e| ConfigError::Invalid {
        name: format!("provider id {id:?}"),
        reason: e.to_string(),
    })
}

/// An http(s) URL given in code, without a trailing `/`.
pub(crate) fn code_url(what: &str, raw: &str) -> Result<String, ConfigError> {
    crate::server::config::check_url(what, raw).map(|_| raw.trim_end_matches('/').to_owned())
}

/// Discovered or explicit endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoints {
    /// OpenID Connect discovery from the issuer; ID tokens are validated.
    Discovery {
        /// The issuer, exactly as the discovery document states it.
        issuer: String,
        /// How the ID token's `iss` is matched.
        issuer_rule: IssuerRule,
    },
    /// A plain OAuth 2.0 provider: every endpoint given.
    Explicit {
        /// Authorization endpoint.
        authorization: String,
        /// Token endpoint.
        token: String,
        /// User profile endpoint.
        userinfo: Option<String>,
        /// RFC 7009 revocation endpoint.
        revocation: Option<String>,
    },
}

/// How the `iss` of ID tokens is checked against the discovered issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerRule {
    /// Exactly the discovered issuer.
    Exact,
    /// The issuer, or the issuer without its scheme (Google's legacy `accounts.google.com`).
    SchemelessAlias,
    /// Entra ID: `{tenantid}` in the discovered issuer is the token's `tid`; `tenant` is the
    /// configured one (`common`, `organizations`, `consumers` or a tenant id).
    EntraTenant {
        /// The configured tenant.
        tenant: String,
        /// The tenant ids whose accounts may sign in (empty: any the tenant setting admits).
        allowed: Vec<String>,
    },
}

/// Scopes by purpose (Flet's `scopes`, `user_scopes`, `group_scopes`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes {
    /// Requested at every login.
    pub base: Vec<String>,
    /// Added when the user is fetched.
    pub user: Vec<String>,
    /// Added when groups are fetched.
    pub groups: Vec<String>,
}

/// Token endpoint client authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic (`client_secret_basic`).
    Basic,
    /// In the form body (`client_secret_post`).
    Post,
}

impl ClientAuth {
    /// Reads `basic` / `client_secret_basic` / `post` / `client_secret_post`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "basic" | "client_secret_basic" => Some(Self::Basic),
            "post" | "client_secret_post" => Some(Self::Post),
            _ => None,
        }
    }
}

/// Where the profile document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileSource {
    /// The OpenID userinfo endpoint (its `sub` must match the ID token's).
    Userinfo,
    /// A provider API URL (GitHub's `/user`, Graph's `/me`).
    Url(String),
}

/// What a profile mapping reads.
pub struct ProfileInput<'a> {
    /// The profile document.
    pub profile: &'a Map<String, Value>,
    /// The validated ID token claims, for OpenID providers.
    pub claims: Option<&'a Map<String, Value>>,
    /// The e-mail list, for providers that keep it apart (GitHub).
    pub emails: Option<&'a [Value]>,
}

/// The normalised user fields a mapping produces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedUser {
    /// Stable user id.
    pub id: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Login name.
    pub preferred_username: Option<String>,
    /// Verified e-mail address.
    pub email: Option<String>,
    /// Whether the e-mail is verified.
    pub email_verified: Option<bool>,
    /// Avatar URL.
    pub picture: Option<String>,
}

/// A profile mapping function (Flet's `user_id_fn`, extended to every field).
pub type MapProfile = fn(&ProfileInput) -> MappedUser;

/// How the user is fetched and mapped.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile document's source.
    pub source: ProfileSource,
    /// A separate e-mail list endpoint (GitHub's `/user/emails`).
    pub emails: Option<String>,
    /// The mapping.
    pub map: MapProfile,
}

impl Profile {
    /// A profile from `source` mapped by `map`, without a separate e-mail list.
    pub fn new(source: ProfileSource, map: MapProfile) -> Self {
        Self {
            source,
            emails: None,
            map,
        }
    }
}

/// How groups are fetched.
#[derive(Debug, Clone)]
pub enum Groups {
    /// The provider has no groups.
    None,
    /// A claim in the ID token or userinfo holding a list of group ids.
    Claim(String),
    /// A paged API listing.
    Paged {
        /// First page.
        url: String,
        /// How the next page is found.
        paging: Paging,
        /// The group in one listed item (`None`: not a group, e.g. Entra's directory roles).
        group: MapGroup,
    },
}

/// One listed item → the group it is, given the validated ID token's claims (Entra qualifies
/// group ids with the token's tenant).
pub type MapGroup = fn(item: &Value, claims: Option<&Map<String, Value>>) -> Option<Group>;

/// Which of the user's groups the server reads and keeps (see [`ProviderSpec::with_groups`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupSelection {
    /// None: group checks for the provider are refused, saying so.
    None,
    /// Every group.
    All,
    /// Only the groups with these ids.
    Only(Vec<String>),
}

impl GroupSelection {
    /// `*` or `all`, `none` or `off`, else a list of group ids (commas or spaces).
    pub(crate) fn parse(raw: &str) -> Self {
        match raw.trim().to_ascii_lowercase().as_str() {
            "*" | "all" => Self::All,
            "" | "none" | "off" => Self::None,
            _ => Self::Only(split_scopes(raw)),
        }
    }

    /// Whether a group with this id is kept.
    pub fn keeps(&self, id: &str) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Only(ids) => ids.iter().any(|i| i == id),
        }
    }

    /// The groups of `all` that are kept.
    pub(crate) fn filter(&self, all: Vec<Group>) -> Vec<Group> {
        all.into_iter().filter(|g| self.keeps(&g.id)).collect()
    }
}

/// Pagination styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// The body is an array; the next page is the `Link: <…>; rel="next"` header (GitHub).
    LinkHeader,
    /// The body is `{"value": [...], "@odata.nextLink": "…"}` (Microsoft Graph).
    ODataNextLink,
}

/// RP-initiated logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logout {
    /// None (GitHub, Google, LinkedIn).
    None,
    /// The discovered `end_session_endpoint`, when there is one.
    EndSession,
    /// `end_session_endpoint` when discovered, else Auth0's `/v2/logout` at this base URL.
    EndSessionOrAuth0 {
        /// `https://{domain}`.
        base: String,
    },
}

/// The standard OpenID claims mapping: `sub`, `name`, `preferred_username`, `email` (only when
/// `email_verified` is not false), `picture`.
///
/// ```
/// use porte::providers::{standard_claims, ProfileInput};
/// let doc = serde_json::json!({"sub": "u1", "email": "a@x", "email_verified": false});
/// let user = standard_claims(&ProfileInput { profile: doc.as_object().unwrap(), claims: None, emails: None });
/// assert_eq!(user.id.as_deref(), Some("u1"));
/// assert_eq!(user.email_verified, Some(false));
/// ```
pub fn standard_claims(input: &ProfileInput) -> MappedUser {
    let p = input.profile;
    MappedUser {
        id: text(p, "sub"),
        name: text(p, "name"),
        preferred_username: text(p, "preferred_username").or_else(|| text(p, "nickname")),
        email: text(p, "email"),
        email_verified: p.get("email_verified").and_then(as_bool),
        picture: text(p, "picture"),
    }
}

/// A string field (numbers are written out, so GitHub's numeric `id` reads as text).
pub fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `true`/`false`, or the strings `"true"`/`"false"` (some providers send those).
fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Splits a scope list given as space- or comma-separated text.
pub fn split_scopes(raw: &str) -> Vec<String> {
    raw.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every provider configured in `vars`, built-ins first, then `OIDC_<NAME>_…` and
/// `OAUTH_<NAME>_…`.
pub(crate) fn from_vars(vars: &Vars) -> Result<Vec<ProviderSpec>, ConfigError> {
    let mut specs: Vec<ProviderSpec> = [
        github::from_vars(vars)?,
        google::from_vars(vars)?,
        azure::from_vars(vars)?,
        auth0::from_vars(vars)?,
        authgear::from_vars(vars)?,
        linkedin::from_vars(vars)?,
    ]
    .into_iter()
    .flatten()
    .collect();
    specs.extend(openid::from_vars(vars)?);
    specs.extend(custom::from_vars(vars)?);
    Ok(specs)
}

/// Two providers with the same id are an error.
pub(crate) fn check_unique(specs: &[ProviderSpec]) -> Result<(), ConfigError> {
    for (i, spec) in specs.iter().enumerate() {
        if specs[..i].iter().any(|s| s.id == spec.id) {
            return Err(ConfigError::Invalid {
                name: spec.id.as_str().to_ascii_uppercase(),
                reason: "two providers have this id".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        Vars::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn each_built_in_provider_appears_only_when_configured() {
        let all = from_vars(&vars(&[
            ("GITHUB_CLIENT_ID", "g"),
            ("GITHUB_CLIENT_SECRET", "s"),
            ("GOOGLE_CLIENT_ID", "g"),
            ("GOOGLE_CLIENT_SECRET", "s"),
            ("AZURE_CLIENT_ID", "a"),
            ("AZURE_CLIENT_SECRET", "s"),
            ("AZURE_TENANT", "organizations"),
            ("AUTH0_DOMAIN", "tenant.eu.auth0.com"),
            ("AUTH0_CLIENT_ID", "a"),
            ("AUTH0_CLIENT_SECRET", "s"),
            ("AUTHGEAR_DOMAIN", "app.authgear.cloud"),
            ("AUTHGEAR_CLIENT_ID", "a"),
            ("AUTHGEAR_CLIENT_SECRET", "s"),
            ("LINKEDIN_CLIENT_ID", "l"),
            ("LINKEDIN_CLIENT_SECRET", "s"),
            ("OAUTH_ACME_AUTHORIZATION_URL", "https://acme.example/auth"),
            ("OAUTH_ACME_TOKEN_URL", "https://acme.example/token"),
            ("OAUTH_ACME_USERINFO_URL", "https://acme.example/me"),
            ("OAUTH_ACME_CLIENT_ID", "c"),
            ("OAUTH_ACME_CLIENT_SECRET", "s"),
            ("OAUTH_ACME_CLIENT_AUTH", "post"),
            ("OAUTH_ACME_USER_ID_FIELD", "id"),
        ]))
        .unwrap();
        let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["github", "google", "azure", "auth0", "authgear", "linkedin", "acme"]
        );
        let issuer = |i: usize| match &all[i].endpoints {
            Endpoints::Discovery { issuer, .. } => issuer.clone(),
            Endpoints::Explicit { authorization, .. } => authorization.clone(),
        };
        assert_eq!(issuer(1), "https://accounts.google.com");
        assert_eq!(
            issuer(2),
            "https://login.microsoftonline.com/organizations/v2.0"
        );
        assert_eq!(
            issuer(3),
            "https://tenant.eu.auth0.com/",
            "Auth0's issuer ends with /"
        );
        assert_eq!(
            issuer(4),
            "https://app.authgear.cloud",
            "Authgear's issuer is the bare origin"
        );
        assert_eq!(issuer(5), "https://www.linkedin.com/oauth/v2/authorization");
        assert_eq!((all[5].client_auth, all[5].pkce), (ClientAuth::Post, false));
        assert_eq!(all[6].client_auth, ClientAuth::Post);
        let google = &all[1].auth_params;
        assert!(google.contains(&("access_type".into(), "offline".into())));
        assert!(
            from_vars(&vars(&[("GITHUB_TOKEN", "ci"), ("AZURE_TENANT_ID", "x")]))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_half_configured_provider_names_the_missing_variable() {
        for (set, missing) in [
            (vec![("GITHUB_CLIENT_ID", "x")], "GITHUB_CLIENT_SECRET"),
            (vec![("GOOGLE_CLIENT_SECRET", "x")], "GOOGLE_CLIENT_ID"),
            (
                vec![("AUTH0_CLIENT_ID", "x"), ("AUTH0_CLIENT_SECRET", "y")],
                "AUTH0_DOMAIN",
            ),
            (vec![("LINKEDIN_CLIENT_ID", "x")], "LINKEDIN_CLIENT_SECRET"),
            (
                vec![("OAUTH_ACME_CLIENT_ID", "x")],
                "OAUTH_ACME_AUTHORIZATION_URL",
            ),
        ] {
            let err = from_vars(&vars(&set)).unwrap_err();
            assert_eq!(err, ConfigError::Missing(missing.into()));
        }
        let err = from_vars(&vars(&[
            ("AZURE_CLIENT_ID", "a"),
            ("AZURE_CLIENT_SECRET", "s"),
            ("AZURE_TENANT", "a/b"),
        ]))
        .unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "AZURE_TENANT"));
        let dup = from_vars(&vars(&[
            ("GITHUB_CLIENT_ID", "g"),
            ("GITHUB_CLIENT_SECRET", "s"),
            ("OIDC_GITHUB_ISSUER", "https://x.example"),
            ("OIDC_GITHUB_CLIENT_ID", "c"),
            ("OIDC_GITHUB_CLIENT_SECRET", "s"),
        ]))
        .unwrap();
        assert!(check_unique(&dup).is_err(), "two providers with one id");
    }
}
