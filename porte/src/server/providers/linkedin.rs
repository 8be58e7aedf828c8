//! LinkedIn, as a custom OAuth 2.0 provider the way LinkedIn works today ("Sign In with
//! LinkedIn using OpenID Connect"): scopes `openid profile email`, client authentication in the
//! form body (`client_secret_post`; Basic is refused), no PKCE for web apps, the user from
//! `GET https://api.linkedin.com/v2/userinfo` (id = `sub`). The legacy `r_liteprofile` +
//! `/v2/me` flow of Flet's docs was retired in 2023.
//! Variables: `LINKEDIN_CLIENT_ID`, `LINKEDIN_CLIENT_SECRET`, optional `LINKEDIN_LABEL`, and
//! for the emulator `LINKEDIN_URL` (default `https://www.linkedin.com`) and `LINKEDIN_API_URL`
//! (default `https://api.linkedin.com`).

use super::custom::{oauth, OAuthEndpoints};
use super::{credentials, ClientAuth, ProviderSpec};
use crate::server::config::{ConfigError, Vars};

const WEB: &str = "https://www.linkedin.com";
const API: &str = "https://api.linkedin.com";

/// LinkedIn ("Sign In with LinkedIn using OpenID Connect"): an app's client id and secret.
pub fn linkedin(client_id: impl Into<String>, client_secret: impl Into<String>) -> ProviderSpec {
    spec(client_id.into(), client_secret.into(), WEB, API)
}

/// The LinkedIn provider, when `LINKEDIN_…` variables are set.
pub(crate) fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&["LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET"]) {
        return Ok(None);
    }
    let web = vars.url("LINKEDIN_URL", WEB)?;
    let api = vars.url("LINKEDIN_API_URL", API)?;
    let (id, secret) = credentials(vars, "LINKEDIN")?;
    Ok(Some(
        spec(id, secret, &web, &api).env_overrides(vars, "LINKEDIN"),
    ))
}

fn spec(client_id: String, secret: String, web: &str, api: &str) -> ProviderSpec {
    let endpoints = OAuthEndpoints {
        authorization: format!("{web}/oauth/v2/authorization"),
        token: format!("{web}/oauth/v2/accessToken"),
        userinfo: format!("{api}/v2/userinfo"),
    };
    let mut spec = oauth("linkedin", endpoints, client_id, secret)
        .expect("a valid id")
        .with_label("LinkedIn")
        .with_scopes(["openid", "profile", "email"]);
    spec.brand = "linkedin";
    spec.client_auth = ClientAuth::Post;
    spec.pkce = false;
    spec
}
#[cfg(test)]
mod tests {
    use super::super::{standard_claims, ProfileInput};
    use serde_json::json;

    #[test]
    fn recorded_userinfo_maps_with_sub_as_the_id() {
        // LinkedIn docs' example /v2/userinfo response (locale is an object there).
        let doc = json!({"sub": "782bbtaQ", "name": "John Doe", "given_name": "John",
            "family_name": "Doe", "picture": "https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/",
            "locale": {"country": "US", "language": "en"}, "email": "doe@email.com", "email_verified": true});
        let m = standard_claims(&ProfileInput {
            profile: doc.as_object().unwrap(),
            claims: None,
            emails: None,
        });
        assert_eq!(m.id.as_deref(), Some("782bbtaQ"));
        assert_eq!(m.email.as_deref(), Some("doe@email.com"));
        assert_eq!(m.email_verified, Some(true));
    }
}
