//! Authgear: OpenID by discovery; the issuer is the bare origin `https://<AUTHGEAR_DOMAIN>`.
//! Variables: `AUTHGEAR_DOMAIN`, `AUTHGEAR_CLIENT_ID`, `AUTHGEAR_CLIENT_SECRET`, optional
//! `AUTHGEAR_SCOPES` (default `openid offline_access profile email`, as in Authgear's Flask
//! guide) and `AUTHGEAR_LABEL`. A domain with a scheme (`http://127.0.0.1:4010`) is used as is.

use super::{
    split_scopes, standard_claims, ClientAuth, Endpoints, Groups, IssuerRule, Logout, Profile,
    ProfileSource, ProviderSpec, Scopes,
};
use crate::auth::server::config::{domain_url, ClientSecret, ConfigError, Vars};
use crate::auth::ProviderId;

const TRIGGER: [&str; 3] = [
    "AUTHGEAR_DOMAIN",
    "AUTHGEAR_CLIENT_ID",
    "AUTHGEAR_CLIENT_SECRET",
];

/// The Authgear provider, when configured.
pub fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&TRIGGER) {
        return Ok(None);
    }
    let issuer = domain_url(vars, "AUTHGEAR_DOMAIN")?;
    let scopes = vars
        .get("AUTHGEAR_SCOPES")
        .unwrap_or("openid offline_access profile email");
    Ok(Some(ProviderSpec {
        id: ProviderId::parse("authgear").expect("valid id"),
        label: vars.label("AUTHGEAR_LABEL", "Authgear"),
        client_id: vars.required("AUTHGEAR_CLIENT_ID")?,
        client_secret: ClientSecret::new(vars.required("AUTHGEAR_CLIENT_SECRET")?),
        endpoints: Endpoints::Discovery {
            issuer,
            issuer_rule: IssuerRule::Exact,
        },
        scopes: Scopes {
            base: split_scopes(scopes),
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
        groups: Groups::Claim("groups".into()),
        api_base: None,
        logout: Logout::EndSession,
    }))
}
