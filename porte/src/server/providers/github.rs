//! GitHub (OAuth App or GitHub App user tokens; no OpenID Connect).
//!
//! Quirks: the token endpoint answers errors (`bad_verification_code`, …) with HTTP 200 and an
//! `error` field; granted scopes come back comma-separated; PKCE S256 is accepted; OAuth App
//! tokens never expire while GitHub App tokens expire and come with a refresh token. The user is
//! `GET /user` (id = the numeric `id`, since `login` can change); the e-mail is the verified
//! primary address from `GET /user/emails`, never an unverified one; groups are the user's teams
//! (`GET /user/teams`, every page through the `Link` header) with the id `org/team-slug` (org
//! logins are unique, and only an organization's owners and maintainers create its teams); they
//! are read only when configured (`GITHUB_GROUPS`, [`ProviderSpec::with_groups`]: `read:org`).
//! Variables: `GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`, optional `GITHUB_SCOPES`,
//! `GITHUB_LABEL`, `GITHUB_GROUPS`, and for GitHub Enterprise Server (or the emulator) `GITHUB_URL`
//! (default `https://github.com`) and `GITHUB_API_URL` (default `https://api.github.com`).

use super::{
    code_url, credentials, split_scopes, text, ClientAuth, Endpoints, GroupSelection, Groups,
    Logout, MappedUser, Paging, Profile, ProfileInput, ProfileSource, ProviderSpec, Revocation,
    Scopes,
};
use crate::server::config::{ClientSecret, ConfigError, Vars};
use crate::{Group, ProviderId};
use serde_json::{Map, Value};

const WEB: &str = "https://github.com";
const API: &str = "https://api.github.com";

/// GitHub (github.com): an OAuth App's or GitHub App's client id and secret.
pub fn github(client_id: impl Into<String>, client_secret: impl Into<String>) -> ProviderSpec {
    spec(client_id.into(), ClientSecret::new(client_secret), WEB, API)
}

/// GitHub Enterprise Server: its web URL (`https://ghe.example`) and API URL
/// (`https://ghe.example/api/v3`).
pub fn github_enterprise(
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
    web_url: &str,
    api_url: &str,
) -> Result<ProviderSpec, ConfigError> {
    let web = code_url("github_enterprise web_url", web_url)?;
    let api = code_url("github_enterprise api_url", api_url)?;
    Ok(spec(
        client_id.into(),
        ClientSecret::new(client_secret),
        &web,
        &api,
    ))
}

/// The GitHub provider, when `GITHUB_…` variables are set.
pub(crate) fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"]) {
        return Ok(None);
    }
    let web = vars.url("GITHUB_URL", WEB)?;
    let api = vars.url("GITHUB_API_URL", API)?;
    let (id, secret) = credentials(vars, "GITHUB")?;
    Ok(Some(
        spec(id, ClientSecret::new(secret), &web, &api).env_overrides(vars, "GITHUB"),
    ))
}

fn spec(client_id: String, client_secret: ClientSecret, web: &str, api: &str) -> ProviderSpec {
    ProviderSpec {
        id: ProviderId::parse("github").expect("valid id"),
        label: "GitHub".into(),
        brand: "github",
        revocation: Revocation::GitHubApplicationToken {
            url: format!("{api}/applications/{client_id}/token"),
        },
        client_id,
        client_secret,
        endpoints: Endpoints::Explicit {
            authorization: format!("{web}/login/oauth/authorize"),
            token: format!("{web}/login/oauth/access_token"),
            userinfo: Some(format!("{api}/user")),
            revocation: None,
        },
        scopes: Scopes {
            base: Vec::new(),
            user: split_scopes("read:user user:email"),
            groups: split_scopes("read:org"),
        },
        auth_params: Vec::new(),
        consent_for_offline: false,
        client_auth: ClientAuth::Post,
        pkce: true,
        profile: Profile {
            source: ProfileSource::Url(format!("{api}/user")),
            emails: Some(format!("{api}/user/emails")),
            map: map_user,
        },
        groups: Groups::Paged {
            url: format!("{api}/user/teams?per_page=100"),
            paging: Paging::LinkHeader,
            group: team,
        },
        read_groups: GroupSelection::None,
        api_base: Some(api.to_owned()),
        logout: Logout::None,
    }
}

/// `GET /user` + `GET /user/emails` → the user (the verified primary address only).
pub fn map_user(input: &ProfileInput) -> MappedUser {
    let p = input.profile;
    let primary = input.emails.and_then(|list| {
        list.iter().find(|e| {
            e.get("primary").and_then(Value::as_bool) == Some(true)
                && e.get("verified").and_then(Value::as_bool) == Some(true)
        })
    });
    MappedUser {
        id: text(p, "id"),
        name: text(p, "name"),
        preferred_username: text(p, "login"),
        email: primary.and_then(|e| e.get("email")?.as_str().map(str::to_owned)),
        email_verified: primary.map(|_| true),
        picture: text(p, "avatar_url"),
    }
}

/// A team of `GET /user/teams` → the group `org/slug` (a team without its organization is
/// skipped: its slug alone is not unique).
pub fn team(team: &Value, _claims: Option<&Map<String, Value>>) -> Option<Group> {
    let slug = team.get("slug")?.as_str().filter(|s| !s.is_empty())?;
    let org = team
        .pointer("/organization/login")?
        .as_str()
        .filter(|o| !o.is_empty())?;
    Some(Group::new(format!("{org}/{slug}"), None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(user: Value, emails: Value) -> MappedUser {
        map_user(&ProfileInput {
            profile: user.as_object().unwrap(),
            claims: None,
            emails: emails.as_array().map(Vec::as_slice),
        })
    }

    #[test]
    fn recorded_user_and_emails_map_to_the_verified_primary() {
        // Shapes as GitHub sends them (docs' example responses, trimmed).
        let user = json!({"login": "octocat", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==",
            "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
            "type": "User", "name": "The Octocat", "email": null});
        let emails = json!([
            {"email": "old@github.example", "primary": false, "verified": true, "visibility": null},
            {"email": "octocat@github.example", "primary": true, "verified": true, "visibility": "private"},
            {"email": "typo@github.example", "primary": false, "verified": false, "visibility": null}]);
        let m = map(user, emails);
        assert_eq!(m.id.as_deref(), Some("583231"));
        assert_eq!(m.preferred_username.as_deref(), Some("octocat"));
        assert_eq!(m.name.as_deref(), Some("The Octocat"));
        assert_eq!(m.email.as_deref(), Some("octocat@github.example"));
        assert_eq!(m.email_verified, Some(true));
    }

    #[test]
    fn an_unverified_primary_address_is_never_used() {
        let user = json!({"login": "bob", "id": 1002, "name": null, "email": "public@x.example"});
        let emails = json!([
            {"email": "bob@builder.example", "primary": true, "verified": false},
            {"email": "bob@verified.example", "primary": false, "verified": true}]);
        let m = map(user, emails);
        assert_eq!(m.email, None);
        assert_eq!(m.name, None);
        assert_eq!(m.id.as_deref(), Some("1002"));
    }

    #[test]
    fn teams_are_named_org_slash_slug() {
        let item = json!({"id": 1, "name": "Justice League", "slug": "justice-league",
            "organization": {"login": "github", "id": 1}});
        assert_eq!(team(&item, None).unwrap().id, "github/justice-league");
        assert_eq!(team(&json!({"name": "x"}), None), None);
        assert_eq!(
            team(&json!({"slug": "admins"}), None),
            None,
            "no org: not unique"
        );
    }
}
