//! Google: OpenID by discovery from `https://accounts.google.com`.
//!
//! Quirks: a refresh token only comes with `access_type=offline` (and `prompt=consent` to get it
//! again after the first consent); refresh responses carry no new refresh token; ID tokens may
//! say `iss: accounts.google.com` without a scheme; no end-session endpoint; no groups.
//! Variables: `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`, optional `GOOGLE_OFFLINE` (default
//! true), `GOOGLE_SCOPES`, `GOOGLE_LABEL`, `GOOGLE_ISSUER` (an emulator's origin).

use super::{
    credentials, provider_id, split_scopes, Groups, IssuerRule, Logout, ProviderSpec, Scopes,
};
use crate::server::config::{ClientSecret, ConfigError, Vars};

const ISSUER: &str = "https://accounts.google.com";

/// Google: a web client's id and secret. Asks for offline access (a refresh token, with
/// `prompt=consent`); see [`ProviderSpec::auth_params`] to change that.
pub fn google(client_id: impl Into<String>, client_secret: impl Into<String>) -> ProviderSpec {
    spec(
        client_id.into(),
        ClientSecret::new(client_secret),
        ISSUER.into(),
        true,
    )
}

/// The Google provider, when `GOOGLE_…` variables are set.
pub(crate) fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"]) {
        return Ok(None);
    }
    let offline = vars.flag("GOOGLE_OFFLINE", true)?;
    let issuer = vars.url("GOOGLE_ISSUER", ISSUER)?;
    let (id, secret) = credentials(vars, "GOOGLE")?;
    let spec = spec(id, ClientSecret::new(secret), issuer, offline);
    Ok(Some(spec.env_overrides(vars, "GOOGLE")))
}

fn spec(client_id: String, secret: ClientSecret, issuer: String, offline: bool) -> ProviderSpec {
    let auth_params = if offline {
        vec![
            ("access_type".into(), "offline".into()),
            ("prompt".into(), "consent".into()),
        ]
    } else {
        Vec::new()
    };
    let id = provider_id("google").expect("valid id");
    let base = ProviderSpec::openid_defaults(
        id,
        "Google",
        client_id,
        secret,
        issuer,
        IssuerRule::SchemelessAlias,
    );
    ProviderSpec {
        brand: "google",
        scopes: Scopes {
            base: split_scopes("openid"),
            user: split_scopes("profile email"),
            groups: Vec::new(),
        },
        auth_params,
        groups: Groups::None,
        logout: Logout::None,
        ..base
    }
}
