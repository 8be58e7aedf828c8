//! Google: OpenID by discovery from `https://accounts.google.com`.
//!
//! Quirks: a refresh token only comes with `access_type=offline` (and `prompt=consent` to get it
//! again after the first consent); refresh responses carry no new refresh token; ID tokens may
//! say `iss: accounts.google.com` without a scheme; no end-session endpoint; no groups.
//! Variables: `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`, optional `GOOGLE_OFFLINE` (default
//! true), `GOOGLE_SCOPES`, `GOOGLE_LABEL`, `GOOGLE_ISSUER` (an emulator's origin).

use super::{split_scopes, Groups, IssuerRule, Logout, ProviderSpec, Scopes};
use crate::auth::server::config::{ConfigError, Vars};

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
    let issuer = vars.url("GOOGLE_ISSUER", ISSUER)?;
    let spec = ProviderSpec::openid(
        vars,
        "GOOGLE",
        "google",
        "Google",
        issuer,
        IssuerRule::SchemelessAlias,
    )?;
    Ok(Some(ProviderSpec {
        brand: "google",
        scopes: Scopes {
            base: split_scopes(vars.get("GOOGLE_SCOPES").unwrap_or("openid")),
            user: split_scopes("profile email"),
            groups: Vec::new(),
        },
        auth_params,
        groups: Groups::None,
        logout: Logout::None,
        ..spec
    }))
}
