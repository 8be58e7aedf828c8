//! Each provider's user mapping (as configured from the environment, so the real `fn` of every
//! built-in and custom provider is used) and the groups: GitHub teams, Graph `memberOf` items,
//! custom group items, claim groups, and the `Link` header of paged listings.

use super::{doc, json_leaf, json_with, object_with, run, text_with, Doc};
use crate::server::config::Vars;
use crate::server::oauth::api::next_link;
use crate::server::oauth::profile::fetch_groups;
use crate::server::providers::{self, github, Groups, ProfileInput, ProviderSpec};

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Every key a mapping or a group reader looks at.
const KEYS: &[&str] = &[
    "sub",
    "id",
    "oid",
    "name",
    "preferred_username",
    "nickname",
    "email",
    "email_verified",
    "picture",
    "login",
    "avatar_url",
    "displayName",
    "userPrincipalName",
    "mail",
    "user_id",
    "primary",
    "verified",
    "slug",
    "organization",
    "groups",
    "roles",
    "tid",
    "value",
    "@odata.nextLink",
    "https://porte.example/groups",
];

/// Every provider kind, with each `OAUTH_<NAME>_USER_ID_FIELD` and a custom groups URL.
fn specs() -> Vec<ProviderSpec> {
    let mut vars: Vec<(String, String)> = [
        ("GITHUB_CLIENT_ID", "g"),
        ("GITHUB_CLIENT_SECRET", "s"),
        ("GOOGLE_CLIENT_ID", "g"),
        ("GOOGLE_CLIENT_SECRET", "s"),
        ("AZURE_CLIENT_ID", "a"),
        ("AZURE_CLIENT_SECRET", "s"),
        ("AUTH0_DOMAIN", "t.auth0.example"),
        ("AUTH0_CLIENT_ID", "a"),
        ("AUTH0_CLIENT_SECRET", "s"),
        ("AUTH0_GROUPS_CLAIM", "https://porte.example/groups"),
        ("AUTHGEAR_DOMAIN", "a.authgear.example"),
        ("AUTHGEAR_CLIENT_ID", "a"),
        ("AUTHGEAR_CLIENT_SECRET", "s"),
        ("LINKEDIN_CLIENT_ID", "l"),
        ("LINKEDIN_CLIENT_SECRET", "s"),
        ("OIDC_KC_ISSUER", "https://kc.example/realms/x"),
        ("OIDC_KC_CLIENT_ID", "c"),
        ("OIDC_KC_CLIENT_SECRET", "s"),
        ("OIDC_KC_GROUPS_CLAIM", "roles"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, field) in [
        ("SUBF", None),
        ("IDF", Some("id")),
        ("UIDF", Some("user_id")),
        ("LOGINF", Some("login")),
        ("MAILF", Some("email")),
    ] {
        for (suffix, value) in [
            ("AUTHORIZATION_URL", "https://x.example/a"),
            ("TOKEN_URL", "https://x.example/t"),
            ("USERINFO_URL", "https://x.example/u"),
            ("CLIENT_ID", "c"),
            ("CLIENT_SECRET", "s"),
            ("GROUPS_URL", "https://x.example/g"),
        ] {
            vars.push((format!("OAUTH_{name}_{suffix}"), value.into()));
        }
        if let Some(field) = field {
            vars.push((format!("OAUTH_{name}_USER_ID_FIELD"), field.into()));
        }
    }
    let specs = providers::from_vars(&Vars::new(vars)).expect("every provider configures");
    assert_eq!(
        specs.len(),
        12,
        "github google azure auth0 authgear linkedin kc + 5 custom"
    );
    specs
}

#[derive(Debug, Clone)]
struct Mapping {
    profile: Map<String, Value>,
    /// The profile as a document (random bytes, edited JSON, …); used when it is an object.
    text: Option<Doc>,
    claims: Option<Map<String, Value>>,
    emails: Option<Vec<Value>>,
}

fn typical() -> BoxedStrategy<Value> {
    prop_oneof![
        text_with(&["u1", "alice", "a@x.example", "https://x.example/a.png"]).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
    ]
    .boxed()
}

fn mapping() -> impl Strategy<Value = Mapping> {
    let object = || object_with(KEYS, typical());
    let email = (object(), typical(), typical(), typical()).prop_map(|(mut m, e, p, v)| {
        m.insert("email".into(), e);
        m.insert("primary".into(), p);
        m.insert("verified".into(), v);
        Value::Object(m)
    });
    let emails = prop::collection::vec(prop_oneof![3 => email, 1 => json_with(KEYS)], 0..6);
    (
        object(),
        proptest::option::weighted(0.2, doc(object().prop_map(Value::Object).boxed())),
        proptest::option::of(object()),
        proptest::option::of(emails),
    )
        .prop_map(|(profile, text, claims, emails)| Mapping {
            profile,
            text,
            claims,
            emails,
        })
}

#[test]
fn fuzz_profile_mapping() {
    let specs = specs();
    run("user mapping (every provider)", mapping(), |m| {
        let from_text = m
            .text
            .as_ref()
            .and_then(|d| serde_json::from_slice::<Value>(&d.bytes()).ok());
        let profile = match from_text {
            Some(Value::Object(doc)) => doc,
            _ => m.profile,
        };
        let input = ProfileInput {
            profile: &profile,
            claims: m.claims.as_ref(),
            emails: m.emails.as_deref(),
        };
        for spec in &specs {
            let user = (spec.profile.map)(&input);
            let what = spec.id.as_str();
            // `fetch_user` refuses a profile without an id; an empty one must never get through.
            prop_assert!(
                user.id.as_deref() != Some(""),
                "{} mapped an empty id",
                what
            );
            for f in [&user.name, &user.preferred_username, &user.picture] {
                prop_assert!(f.as_deref() != Some(""), "{} mapped an empty field", what);
            }
            if what == "github" {
                // Only a primary address GitHub says is verified, and then it is verified.
                let verified_primary = m.emails.as_ref().is_some_and(|l| {
                    l.iter().any(|e| {
                        e.get("primary") == Some(&json!(true))
                            && e.get("verified") == Some(&json!(true))
                    })
                });
                prop_assert_eq!(user.email_verified.is_some(), verified_primary);
                prop_assert!(user.email.is_none() || user.email_verified == Some(true));
            } else if what == "azure" {
                prop_assert_eq!(user.email_verified, None);
            }
            let text = |k: &str| providers::text(&profile, k);
            let want = match what {
                "github" | "idf" => text("id"),
                "azure" => m
                    .claims
                    .as_ref()
                    .and_then(|c| providers::text(c, "oid"))
                    .or_else(|| text("id")),
                "linkedin" | "subf" => text("sub").or_else(|| text("id")),
                "uidf" => text("user_id"),
                "loginf" => text("login"),
                "mailf" => text("email"),
                _ => text("sub"),
            };
            prop_assert_eq!(user.id, want, "{}", what);
        }
        Ok(())
    });
}

/// Polls a future that never waits (the claim branch of `fetch_groups` makes no request).
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("claim groups made a request"),
    }
}

#[derive(Debug, Clone)]
enum GroupsInput {
    /// One item of a listing, for every provider's item reader.
    Item(Value),
    /// Groups from a claim of the profile or the ID token.
    Claim {
        name: String,
        fields: Map<String, Value>,
        claims: Option<Map<String, Value>>,
    },
    /// A random `Link` header.
    LinkText(String),
    /// A `Link` header of `<target>; params` entries.
    Link(Vec<(String, Vec<u8>)>),
}

fn groups_input() -> impl Strategy<Value = GroupsInput> {
    let team = (
        object_with(KEYS, json_leaf(KEYS)),
        typical(),
        json_with(&["login"]),
    )
        .prop_map(|(mut m, slug, org)| {
            m.insert("slug".into(), slug);
            m.insert("organization".into(), org);
            Value::Object(m)
        });
    let list = prop::collection::vec(prop_oneof![3 => typical(), 1 => json_with(KEYS)], 0..8);
    let with_list = (object_with(KEYS, json_leaf(KEYS)), list).prop_map(|(mut m, l)| {
        m.insert("roles".into(), Value::Array(l));
        m
    });
    let claim = (
        prop_oneof![
            Just("roles".to_owned()),
            Just("groups".to_owned()),
            any::<String>()
        ],
        prop_oneof![with_list.clone(), object_with(KEYS, json_leaf(KEYS))],
        proptest::option::of(with_list),
    )
        .prop_map(|(name, fields, claims)| GroupsInput::Claim {
            name,
            fields,
            claims,
        });
    let target = "[a-z0-9:/?=&._-]{0,30}";
    let link = prop::collection::vec((target, prop::collection::vec(any::<u8>(), 0..3)), 0..5);
    prop_oneof![
        2 => prop_oneof![team, json_with(KEYS)].prop_map(GroupsInput::Item),
        2 => claim,
        1 => any::<String>().prop_map(GroupsInput::LinkText),
        2 => link.prop_map(GroupsInput::Link),
    ]
}

const RELS: [(&str, bool); 7] = [
    ("rel=\"next\"", true),
    ("rel=next", true),
    ("rel=\"prev next\"", true),
    ("rel=\"last\"", false),
    ("rel=\"Next\"", false),
    ("rel=\"nextish\"", false),
    ("title=\"next\"", false),
];

#[test]
fn fuzz_groups() {
    let specs = specs();
    let http = reqwest::Client::new();
    let readers: Vec<crate::server::providers::MapGroup> = specs
        .iter()
        .filter_map(|s| match s.groups {
            Groups::Paged { group, .. } => Some(group),
            _ => None,
        })
        .collect();
    const TID: &str = "4ae1c4b5-0f0e-4d1a-9b3f-5e7a2c9d0a11";
    let tenant = serde_json::json!({ "tid": TID });
    let kc = specs
        .iter()
        .find(|s| s.id.as_str() == "kc")
        .unwrap()
        .clone();
    run("groups", groups_input(), |input| {
        match input {
            GroupsInput::Item(item) => {
                for read in &readers {
                    if let Some(g) = read(&item, tenant.as_object()) {
                        prop_assert!(!g.id.is_empty(), "{:?}", item);
                    }
                }
                if let Some(g) = github::team(&item, None) {
                    let (org, slug) = (
                        item["organization"]["login"].as_str(),
                        item["slug"].as_str(),
                    );
                    prop_assert_eq!(g.id, format!("{}/{}", org.unwrap(), slug.unwrap()));
                }
                if let Some(g) = crate::server::providers::azure::group(&item, tenant.as_object()) {
                    // Only groups, by object id under the token's tenant; never a bare name.
                    prop_assert_eq!(item["@odata.type"].as_str(), Some("#microsoft.graph.group"));
                    prop_assert_eq!(g.id, format!("{TID}/{}", item["id"].as_str().unwrap()));
                }
            }
            GroupsInput::Claim {
                name,
                fields,
                claims,
            } => {
                let spec = ProviderSpec {
                    groups: Groups::Claim(name.clone()),
                    ..kc.clone()
                };
                let got = ready(fetch_groups(
                    &http,
                    &spec,
                    "token",
                    &fields,
                    claims.as_ref(),
                ));
                let list = fields
                    .get(&name)
                    .or_else(|| claims.as_ref().and_then(|c| c.get(&name)));
                let want: Vec<crate::Group> = match list {
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(|s| crate::Group::new(s, None))
                        .collect(),
                    _ => Vec::new(),
                };
                prop_assert_eq!(got, Ok(want));
            }
            GroupsInput::LinkText(header) => {
                if let Some(target) = next_link(&header) {
                    prop_assert!(header.contains(&format!("<{target}>")), "{}", header);
                }
            }
            GroupsInput::Link(entries) => {
                let mut want = None;
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(target, params)| {
                        let params: Vec<&str> = params
                            .iter()
                            .map(|p| RELS[*p as usize % RELS.len()].0)
                            .collect();
                        let next = params
                            .iter()
                            .any(|p| RELS.iter().any(|(r, n)| r == p && *n));
                        if next && want.is_none() {
                            want = Some(target.clone());
                        }
                        std::iter::once(format!("<{target}>"))
                            .chain(params.iter().map(|p| p.to_string()))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .collect();
                let header = parts.join(", ");
                prop_assert_eq!(next_link(&header), want, "{}", header);
            }
        }
        Ok(())
    });
}
