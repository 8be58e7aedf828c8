//! Microsoft Entra ID (Azure AD v2): OpenID by discovery from
//! `<AZURE_AUTHORITY>/<AZURE_TENANT>/v2.0`.
//!
//! Quirks: for the `common` and `organizations` tenants the discovered issuer is the template
//! `…/{tenantid}/v2.0`, so ID tokens are checked against it with their own `tid`; `sub` is
//! pairwise per app, so the user id is `oid` (the same in every app of the tenant, and Graph's
//! `id`); the profile is Graph `GET /me`, groups are Graph `GET /me/memberOf` followed through
//! `@odata.nextLink`; `offline_access` brings a refresh token; no revocation endpoint.
//!
//! Groups are authorized on what only the tenant's administrators control: the object ids of
//! `#microsoft.graph.group` items (directory roles and other objects are skipped), qualified by
//! the tenant (`<tid>/<group object id>`), never display names — anyone can create a tenant with
//! a group named `admins`. They are read only when configured (`AZURE_GROUPS`,
//! [`ProviderSpec::with_groups`]: `GroupMember.Read.All` needs an administrator's consent).
//! Variables: `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, optional `AZURE_TENANT` (default
//! `common`), `AZURE_ALLOWED_TENANTS` (tenant ids whose accounts may sign in),
//! `AZURE_GROUPS`, `AZURE_SCOPES`, `AZURE_LABEL`, and for national clouds (or the emulator)
//! `AZURE_AUTHORITY` (default `https://login.microsoftonline.com`) and `AZURE_GRAPH_URL`
//! (default `https://graph.microsoft.com`).

use super::{
    code_url, credentials, provider_id, split_scopes, text, ClientAuth, GroupSelection, Groups,
    IssuerRule, MappedUser, Paging, Profile, ProfileInput, ProfileSource, ProviderSpec, Scopes,
};
use crate::server::config::{ClientSecret, ConfigError, Vars};
use crate::Group;
use serde_json::{Map, Value};

/// The tenant id of personal Microsoft accounts.
pub const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
const AUTHORITY: &str = "https://login.microsoftonline.com";
const GRAPH: &str = "https://graph.microsoft.com";

/// Microsoft Entra ID: an app registration's client id and secret, and the tenant: `common`,
/// `organizations`, `consumers`, a tenant id or a verified domain.
pub fn entra(
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
    tenant: &str,
) -> Result<ProviderSpec, ConfigError> {
    spec(
        client_id.into(),
        ClientSecret::new(client_secret),
        "tenant",
        tenant,
        AUTHORITY,
        GRAPH,
    )
}

/// Entra ID in a national cloud: its authority (`https://login.microsoftonline.us`) and Graph
/// URL (`https://graph.microsoft.us`).
pub fn entra_in_cloud(
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
    tenant: &str,
    authority: &str,
    graph_url: &str,
) -> Result<ProviderSpec, ConfigError> {
    let authority = code_url("authority", authority)?;
    let graph = code_url("graph_url", graph_url)?;
    let secret = ClientSecret::new(client_secret);
    spec(
        client_id.into(),
        secret,
        "tenant",
        tenant,
        &authority,
        &graph,
    )
}

/// The Entra ID provider, when `AZURE_…` variables are set.
pub(crate) fn from_vars(vars: &Vars) -> Result<Option<ProviderSpec>, ConfigError> {
    if !vars.any(&["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) {
        return Ok(None);
    }
    let authority = vars.url("AZURE_AUTHORITY", AUTHORITY)?;
    let graph = vars.url("AZURE_GRAPH_URL", GRAPH)?;
    let tenant = vars.get("AZURE_TENANT").unwrap_or("common");
    let (id, secret) = credentials(vars, "AZURE")?;
    let mut spec = spec(
        id,
        ClientSecret::new(secret),
        "AZURE_TENANT",
        tenant,
        &authority,
        &graph,
    )?;
    if let Some(list) = vars.get("AZURE_ALLOWED_TENANTS") {
        spec = spec.with_allowed_tenants(split_scopes(list));
    }
    Ok(Some(spec.env_overrides(vars, "AZURE")))
}

fn spec(
    client_id: String,
    secret: ClientSecret,
    tenant_setting: &str,
    tenant: &str,
    authority: &str,
    graph: &str,
) -> Result<ProviderSpec, ConfigError> {
    if tenant.is_empty()
        || !tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err(ConfigError::Invalid {
            name: tenant_setting.into(),
            reason: "expected common, organizations, consumers, a tenant id or a domain".into(),
        });
    }
    let issuer = format!("{authority}/{tenant}/v2.0");
    let rule = IssuerRule::EntraTenant {
        tenant: tenant.to_owned(),
        allowed: Vec::new(),
    };
    let id = provider_id("azure").expect("valid id");
    let base = ProviderSpec::openid_defaults(id, "Microsoft", client_id, secret, issuer, rule);
    Ok(ProviderSpec {
        brand: "microsoft",
        scopes: Scopes {
            base: split_scopes("openid profile email offline_access"),
            user: split_scopes("User.Read"),
            groups: split_scopes("GroupMember.Read.All"),
        },
        client_auth: ClientAuth::Post,
        profile: Profile::new(ProfileSource::Url(format!("{graph}/v1.0/me")), map_user),
        groups: Groups::Paged {
            url: format!("{graph}/v1.0/me/memberOf"),
            paging: Paging::ODataNextLink,
            group,
        },
        read_groups: GroupSelection::None,
        api_base: Some(graph.to_owned()),
        ..base
    })
}

/// Graph `/me` + ID token claims → the user (id = `oid`).
pub fn map_user(input: &ProfileInput) -> MappedUser {
    let p = input.profile;
    let claim = |k: &str| input.claims.and_then(|c| text(c, k));
    MappedUser {
        id: claim("oid").or_else(|| text(p, "id")),
        name: text(p, "displayName").or_else(|| claim("name")),
        preferred_username: text(p, "userPrincipalName").or_else(|| claim("preferred_username")),
        // `mail` is an address the tenant manages; `userPrincipalName` is a login, not a mailbox.
        email: text(p, "mail"),
        email_verified: None,
        picture: None,
    }
}

/// A `memberOf` item → `<tid>/<object id>` with its display name (null without
/// `GroupMember.Read.All`), for `#microsoft.graph.group` items only: directory roles,
/// administrative units and other objects are not groups.
pub fn group(item: &Value, claims: Option<&Map<String, Value>>) -> Option<Group> {
    if item.get("@odata.type")?.as_str()? != "#microsoft.graph.group" {
        return None;
    }
    let tid = claims?.get("tid")?.as_str().filter(|t| is_guid(t))?;
    let id = item.get("id")?.as_str().filter(|i| is_guid(i))?;
    let name = item.get("displayName").and_then(Value::as_str);
    Some(Group::new(format!("{tid}/{id}"), name.map(str::to_owned)))
}

/// Object and tenant ids are GUIDs: anything else cannot be one of Microsoft's ids.
fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| {
            matches!(i, 8 | 13 | 18 | 23) == (b == b'-') && (b == b'-' || b.is_ascii_hexdigit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recorded_graph_me_maps_with_oid_as_the_id() {
        // Graph docs' example `GET /me` response.
        let me = json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "businessPhones": ["+1 412 555 0109"], "displayName": "Megan Bowen",
            "givenName": "Megan", "jobTitle": "Auditor", "mail": "MeganB@M365x214355.onmicrosoft.com",
            "mobilePhone": null, "officeLocation": "12/1110", "preferredLanguage": "en-US",
            "surname": "Bowen", "userPrincipalName": "MeganB@M365x214355.onmicrosoft.com",
            "id": "48d31887-5fad-4d73-a9f5-3c356e68a038"});
        let claims = json!({"oid": "48d31887-5fad-4d73-a9f5-3c356e68a038", "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            "tid": "9122040d-6c67-4c5b-b112-36a304b66dad"});
        let m = map_user(&ProfileInput {
            profile: me.as_object().unwrap(),
            claims: claims.as_object(),
            emails: None,
        });
        assert_eq!(
            m.id.as_deref(),
            Some("48d31887-5fad-4d73-a9f5-3c356e68a038")
        );
        assert_eq!(m.name.as_deref(), Some("Megan Bowen"));
        assert_eq!(
            m.email.as_deref(),
            Some("MeganB@M365x214355.onmicrosoft.com")
        );
    }

    const TID: &str = "4ae1c4b5-0f0e-4d1a-9b3f-5e7a2c9d0a11";
    const GID: &str = "7b1d2c3e-0001-4a5b-8c6d-111111111111";

    #[test]
    fn groups_are_object_ids_qualified_by_tenant_and_roles_are_not_groups() {
        let claims = json!({"tid": TID});
        let claims = claims.as_object();
        let admins =
            json!({"@odata.type": "#microsoft.graph.group", "id": GID, "displayName": "Admins"});
        let g = group(&admins, claims).unwrap();
        assert_eq!(g.id, format!("{TID}/{GID}"));
        assert_eq!(g.name(), "Admins");
        // Without GroupMember.Read.All the name is null: the id still authorizes.
        let unnamed =
            json!({"@odata.type": "#microsoft.graph.group", "id": GID, "displayName": null});
        assert_eq!(
            group(&unnamed, claims).unwrap().name(),
            format!("{TID}/{GID}")
        );
        let role = json!({"@odata.type": "#microsoft.graph.directoryRole", "id": GID, "displayName": "admins"});
        assert_eq!(group(&role, claims), None);
        let untyped = json!({"id": GID, "displayName": "admins"});
        assert_eq!(group(&untyped, claims), None);
        // No tenant (no ID token) or ids that are not GUIDs: nothing to authorize on.
        assert_eq!(group(&admins, None), None);
        let named = json!({"@odata.type": "#microsoft.graph.group", "id": "admins"});
        assert_eq!(group(&named, claims), None);
    }

    #[test]
    fn a_strangers_tenant_with_a_group_named_like_ours_grants_nothing() {
        let ours = json!({"tid": TID});
        let theirs = json!({"tid": "11111111-2222-4333-8444-555555555555"});
        let item =
            json!({"@odata.type": "#microsoft.graph.group", "id": GID, "displayName": "Admins"});
        let keep = GroupSelection::Only(vec![format!("{TID}/{GID}")]);
        assert!(keep.keeps(&group(&item, ours.as_object()).unwrap().id));
        assert!(!keep.keeps(&group(&item, theirs.as_object()).unwrap().id));
        assert!(!keep.keeps("Admins") && !keep.keeps("admins"));
    }
}
