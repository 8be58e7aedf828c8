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
mod wire;

pub use auth0::auth0;
pub use authgear::authgear;
pub use azure::{entra, entra_in_cloud};
pub use custom::{oauth, OAuthEndpoints};
pub use github::{github, github_enterprise};
pub use google::google;
pub use linkedin::linkedin;
pub use openid::openid;
pub use wire::*;

use crate::server::config::{ClientSecret, ConfigError, Vars};
use crate::ProviderId;

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

    /// A public client: one registered without a secret (`token_endpoint_auth_method: none`),
    /// as desktop and mobile apps are (RFC 8252), and browser-only apps at some providers.
    /// No secret is ever sent: the token request carries the client id, and PKCE (S256),
    /// always on for a public client, binds the code to this login. Environment:
    /// `OIDC_<NAME>_CLIENT_AUTH=none` or `OAUTH_<NAME>_CLIENT_AUTH=none`, with no
    /// `…_CLIENT_SECRET`.
    ///
    /// What each provider's console calls it is in the README ("Public clients"). A client
    /// whose secret the provider still requires although it is not confidential (Google's
    /// "Desktop app") stays a confidential one here: keep its secret.
    ///
    /// ```
    /// let kc = porte::providers::openid("kc", "https://sso.example/realms/main", "desktop", "")?
    ///     .as_public_client();
    /// assert_eq!((kc.client_auth, kc.pkce), (porte::providers::ClientAuth::Public, true));
    /// assert!(kc.client_secret.expose().is_empty());
    /// # Ok::<(), porte::ConfigError>(())
    /// ```
    pub fn as_public_client(mut self) -> Self {
        self.client_auth = ClientAuth::Public;
        self.client_secret = ClientSecret::new("");
        self.pkce = true;
        self
    }

    /// The secret the token, refresh and revocation requests carry: none for a public client.
    pub(crate) fn sent_secret(&self) -> Option<&ClientSecret> {
        (self.client_auth != ClientAuth::Public).then_some(&self.client_secret)
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

/// `<prefix>_CLIENT_ID`, and `<prefix>_CLIENT_AUTH` (`basic`, `post` or `none`) with the
/// secret it calls for: `<prefix>_CLIENT_SECRET` required, or absent for a public client.
pub(crate) fn client_credentials(
    vars: &Vars,
    prefix: &str,
) -> Result<(String, String, Option<ClientAuth>), ConfigError> {
    let name = format!("{prefix}_CLIENT_AUTH");
    let auth = match vars.get(&name) {
        None => None,
        Some(raw) => Some(ClientAuth::parse(raw).ok_or_else(|| ConfigError::Invalid {
            name: name.clone(),
            reason: "expected basic, post or none (a public client)".into(),
        })?),
    };
    if auth != Some(ClientAuth::Public) {
        let (id, secret) = credentials(vars, prefix)?;
        return Ok((id, secret, auth));
    }
    let secret = format!("{prefix}_CLIENT_SECRET");
    if vars.get(&secret).is_some() {
        return Err(ConfigError::Invalid {
            name: secret,
            reason: format!("{name}=none is a public client, which has no secret: remove it"),
        });
    }
    let id = vars.required(&format!("{prefix}_CLIENT_ID"))?;
    Ok((id, String::new(), auth))
}

/// Sets the client authentication read by [`client_credentials`] (PKCE always on for a public
/// client).
pub(crate) fn with_client_auth(spec: ProviderSpec, auth: Option<ClientAuth>) -> ProviderSpec {
    match auth {
        Some(ClientAuth::Public) => spec.as_public_client(),
        Some(auth) => ProviderSpec {
            client_auth: auth,
            ..spec
        },
        None => spec,
    }
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

/// A public client's code is only safe with PKCE (RFC 8252 §8.1, RFC 9700 §2.1.1): anyone who
/// sees it could otherwise redeem it, with no secret to stop them. And a secret set on one is
/// a mistake to say, not to ignore.
pub(crate) fn check_public_clients(specs: &[ProviderSpec]) -> Result<(), ConfigError> {
    let refuse = |spec: &ProviderSpec, reason: &str| {
        Err(ConfigError::Invalid {
            name: spec.id.as_str().to_ascii_uppercase(),
            reason: reason.into(),
        })
    };
    for spec in specs.iter().filter(|s| s.client_auth == ClientAuth::Public) {
        if !spec.pkce {
            return refuse(
                spec,
                "a public client needs PKCE (its code has no secret to guard it)",
            );
        }
        if !spec.client_secret.expose().is_empty() {
            return refuse(spec, "a public client sends no secret: leave it empty");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
