//! Google: OpenID by discovery from `https://accounts.google.com`.
//!
//! Quirks: a refresh token only comes with `access_type=offline` (and `prompt=consent` to get it
//! again after the first consent); refresh responses carry no new refresh token; ID tokens may
//! say `iss: accounts.google.com` without a scheme; no end-session endpoint; no groups.
//! Variables: `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`, optional `GOOGLE_OFFLINE` (default
//! true), `GOOGLE_SCOPES`, `GOOGLE_LABEL`, `GOOGLE_ISSUER` (an emulator's origin).

use super::{
    split_scopes, standard_claims, ClientAuth, Endpoints, Groups, IssuerRule, Logout, Profile,
    ProfileSource, ProviderSpec, Scopes,
};
use crate::auth::server::config::{ClientSecret, ConfigError, Vars};
use crate::auth::ProviderId;

const ISSUER: &str = "https://accounts.google.com";

/// The Google provider, when configured.
pub fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"]) {
        return Ok(None);
    }
    let offline = vars.flag("GOOGLE_OFFLINE", true)?;
    let auth_params = if offline {
        vec![
            ("access_type".into(), "offline".into()),
            ("prompt".into(), "consent".into()),
        ]
    } else {
        Vec::new()
    };
    Ok(Some(ProviderSpec {
        id: ProviderId::parse("google").expect("valid id"),
        label: vars.label("GOOGLE_LABEL", "Google"),
        client_id: vars.required("GOOGLE_CLIENT_ID")?,
        client_secret: ClientSecret::new(vars.required("GOOGLE_CLIENT_SECRET")?),
        endpoints: Endpoints::Discovery {
            issuer: vars.url("GOOGLE_ISSUER", ISSUER)?,
            issuer_rule: IssuerRule::SchemelessAlias,
        },
        scopes: Scopes {
            base: split_scopes(vars.get("GOOGLE_SCOPES").unwrap_or("openid")),
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
        groups: Groups::None,
        api_base: None,
        logout: Logout::None,
    }))
}
