//! What differs between providers on the wire: endpoints, the issuer rule, client
//! authentication, where the profile comes from and how it maps to a user, groups and their
//! paging, RP-initiated logout, token revocation — the data a [`ProviderSpec`](super::ProviderSpec)
//! is made of.

use crate::Group;
use serde_json::{Map, Value};

/// Token revocation at logout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// RFC 7009 at the discovered `revocation_endpoint` (or the explicit one), when there is one.
    Rfc7009,
    /// GitHub: `DELETE <url>` with HTTP Basic client credentials and `{"access_token": …}`.
    GitHubApplicationToken {
        /// `<api>/applications/<client_id>/token`.
        url: String,
    },
}

/// Discovered or explicit endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub enum ClientAuth {
    /// HTTP Basic (`client_secret_basic`).
    Basic,
    /// In the form body (`client_secret_post`).
    Post,
    /// None: a public client (`none`), which holds no secret, such as a desktop or mobile app
    /// (RFC 8252). Its id goes in the form body, and PKCE (S256) proves that the code is
    /// redeemed by whoever asked for it. See [`ProviderSpec::as_public_client`](super::ProviderSpec::as_public_client).
    Public,
}

impl ClientAuth {
    /// Reads `basic` / `client_secret_basic` / `post` / `client_secret_post` / `none` / `public`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "basic" | "client_secret_basic" => Some(Self::Basic),
            "post" | "client_secret_post" => Some(Self::Post),
            "none" | "public" => Some(Self::Public),
            _ => None,
        }
    }
}

/// Where the profile document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileSource {
    /// The OpenID userinfo endpoint (its `sub` must match the ID token's).
    Userinfo,
    /// A provider API URL (GitHub's `/user`, Graph's `/me`).
    Url(String),
}

/// What a profile mapping reads (build one to test a mapping of your own).
#[derive(Debug, Clone, Copy)]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

/// Which of the user's groups the server reads and keeps (see [`ProviderSpec::with_groups`](super::ProviderSpec::with_groups)).
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
#[non_exhaustive]
pub enum Paging {
    /// The body is an array; the next page is the `Link: <…>; rel="next"` header (GitHub).
    LinkHeader,
    /// The body is `{"value": [...], "@odata.nextLink": "…"}` (Microsoft Graph).
    ODataNextLink,
}

/// RP-initiated logout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
