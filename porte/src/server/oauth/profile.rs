//! The user and their groups, fetched with the access token and mapped by the provider's spec.

use crate::server::error::AuthError;
use crate::server::oauth::api::{get_all_pages, get_json, ApiError};
use crate::server::providers::{Groups, ProfileInput, ProfileSource, ProviderSpec};
use crate::{Group, UserProfile};
use serde_json::{Map, Value};

/// Fetches and maps the user; `claims` are the validated ID token's, if any. Also returns the
/// profile document as read, for the groups claim (rather than parsing `fields` again).
pub async fn fetch_user(
    http: &reqwest::Client,
    spec: &ProviderSpec,
    userinfo_endpoint: Option<&str>,
    token: &str,
    claims: Option<&Map<String, Value>>,
) -> Result<(UserProfile, Map<String, Value>), AuthError> {
    let url = match &spec.profile.source {
        ProfileSource::Userinfo => userinfo_endpoint
            .ok_or_else(|| AuthError::UserInfo("the provider has no userinfo endpoint".into()))?,
        ProfileSource::Url(url) => url.as_str(),
    };
    let (doc, _) = get_json(http, url, token).await.map_err(user_error)?;
    let Value::Object(doc) = doc else {
        return Err(AuthError::UserInfo(format!(
            "{url} did not return an object"
        )));
    };
    if spec.profile.source == ProfileSource::Userinfo {
        // OpenID Core §5.3.2: the userinfo `sub` must be the ID token's.
        let sub = |m: &Map<String, Value>| m.get("sub").and_then(Value::as_str).map(str::to_owned);
        if let Some(expected) = claims.and_then(sub) {
            if sub(&doc).as_deref() != Some(expected.as_str()) {
                return Err(AuthError::UserInfo(
                    "userinfo sub differs from the ID token's".into(),
                ));
            }
        }
    }
    let emails = match &spec.profile.emails {
        Some(url) => match get_json(http, url, token).await.map_err(user_error)?.0 {
            Value::Array(list) => Some(list),
            _ => return Err(AuthError::UserInfo(format!("{url} did not return a list"))),
        },
        None => None,
    };
    let mapped = (spec.profile.map)(&ProfileInput {
        profile: &doc,
        claims,
        emails: emails.as_deref(),
    });
    let id = mapped
        .id
        .ok_or_else(|| AuthError::UserInfo("the profile has no user id".into()))?;
    let user = UserProfile {
        provider: spec.id.clone(),
        id,
        name: mapped.name,
        preferred_username: mapped.preferred_username,
        email: mapped.email,
        email_verified: mapped.email_verified,
        picture: mapped.picture,
        groups: Vec::new(),
        fields: (&doc).into(),
    };
    Ok((user, doc))
}

/// Every group the user is in: from the claim in the profile document (`fields`) or the ID
/// token, or every page of the provider's listing. Which of them are kept is the caller's
/// choice (the provider's [`GroupSelection`](crate::server::providers::GroupSelection)).
pub async fn fetch_groups(
    http: &reqwest::Client,
    spec: &ProviderSpec,
    token: &str,
    fields: &Map<String, Value>,
    claims: Option<&Map<String, Value>>,
) -> Result<Vec<Group>, AuthError> {
    match &spec.groups {
        Groups::None => Ok(Vec::new()),
        Groups::Claim(name) => {
            let list = fields
                .get(name)
                .or_else(|| claims.and_then(|c| c.get(name)));
            Ok(match list {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|id| !id.is_empty())
                    .map(|id| Group::new(id, None))
                    .collect(),
                _ => Vec::new(),
            })
        }
        Groups::Paged { url, paging, group } => {
            let items = get_all_pages(http, url, token, *paging)
                .await
                .map_err(|e| match e {
                    crate::server::oauth::api::ApiError::Unauthorized { .. } => {
                        AuthError::TokenExpired
                    }
                    other => AuthError::Groups(other.to_string()),
                })?;
            Ok(items
                .iter()
                .filter_map(|item| group(item, claims))
                .collect())
        }
    }
}

fn user_error(e: ApiError) -> AuthError {
    AuthError::UserInfo(e.to_string())
}
