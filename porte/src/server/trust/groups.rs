//! Group checks nobody can fake: tied to one provider, to groups the server itself reads and
//! keeps, and to groups read recently; and a user in a thousand groups gets a clear answer.

use super::fixtures::{porte, session, Browser};
use crate::server::clock::now;
use crate::server::http::extract::session_from_parts;
use crate::server::providers::GroupSelection;
use crate::server::session::check;
use crate::server::session::seal::SESSION_BUDGET;
use crate::{Error, ErrorCode, Group, ProviderId};

fn id(p: &str) -> ProviderId {
    ProviderId::parse(p).unwrap()
}

async fn check(
    porte: &crate::Porte,
    browser: &Browser,
    provider: &str,
    group: &str,
) -> Result<(), Error> {
    let session = session_from_parts(porte, &browser.call(), Some(&id(provider)))
        .await
        .map_err(|r| r.error)?;
    session.require_group(group).await.map(|_| ())
}

#[tokio::test]
async fn another_providers_group_of_the_same_name_never_counts() {
    let porte = porte(&[]);
    let mut browser = Browser::new();
    // The attacker's own provider, sent first, says "admins"; the app meant corp's admins.
    browser.hold(&porte, &session(&porte, "other", &["admins"]));
    browser.hold(&porte, &session(&porte, "corp", &["readers"]));
    let refused = check(&porte, &browser, "corp", "admins").await.unwrap_err();
    assert_eq!(refused.error, ErrorCode::Forbidden);
    assert_eq!(check(&porte, &browser, "other", "admins").await, Ok(()));
    // Without a corp session at all: not signed in with corp, whatever else is sent.
    let mut stranger = Browser::new();
    stranger.hold(&porte, &session(&porte, "other", &["admins"]));
    let e = check(&porte, &stranger, "corp", "admins")
        .await
        .unwrap_err();
    assert_eq!(e.error, ErrorCode::NotSignedIn);
}

#[tokio::test]
async fn groups_the_server_does_not_read_or_keep_are_refused_saying_why() {
    let porte = porte(&[
        ("OIDC_CORP_GROUPS", "none"),
        ("OIDC_OTHER_GROUPS", "admins"),
    ]);
    let mut browser = Browser::new();
    browser.hold(&porte, &session(&porte, "corp", &["admins"]));
    browser.hold(&porte, &session(&porte, "other", &["admins", "auditors"]));
    let off = check(&porte, &browser, "corp", "admins").await.unwrap_err();
    assert_eq!(off.error, ErrorCode::Forbidden);
    assert!(
        off.to_string().contains("Groups are not read for Corp"),
        "{off}"
    );
    let unkept = check(&porte, &browser, "other", "auditors")
        .await
        .unwrap_err();
    assert!(
        unkept.to_string().contains("not among the groups"),
        "{unkept}"
    );
    assert_eq!(check(&porte, &browser, "other", "admins").await, Ok(()));
}

#[tokio::test]
async fn stale_groups_are_never_trusted() {
    let porte = porte(&[("PORTE_GROUPS_MAX_AGE_SECS", "60")]);
    let mut data = session(&porte, "corp", &["admins"]);
    data.groups_read_at = Some(now() - 61);
    let holding = |data: &crate::server::session::seal::SessionData| {
        let mut b = Browser::new();
        b.hold(&porte, data);
        b
    };
    // The provider (127.0.0.1:9) cannot be asked again: refused, not granted from the old list.
    let down = check(&porte, &holding(&data), "corp", "admins")
        .await
        .unwrap_err();
    assert_eq!(down.error, ErrorCode::ProviderUnavailable);
    // The access token expired: with a refresh token, `token_expired` (the browser refreshes,
    // which reads the groups again, and calls again) …
    data.token.expires_at = Some(now() - 1);
    let expired = check(&porte, &holding(&data), "corp", "admins")
        .await
        .unwrap_err();
    assert_eq!(expired.error, ErrorCode::TokenExpired);
    // … without one, a plain refusal that says to sign in again.
    data.token.refresh_token = None;
    let over = check(&porte, &holding(&data), "corp", "admins")
        .await
        .unwrap_err();
    assert_eq!(over.error, ErrorCode::Forbidden);
    assert!(over.to_string().contains("Sign in again"), "{over}");
    // Sessions sealed before groups had a read time count as stale too.
    let mut old = session(&porte, "corp", &["admins"]);
    old.groups_read_at = None;
    assert!(check(&porte, &holding(&old), "corp", "admins")
        .await
        .is_err());
    // Fresh groups are trusted as they are.
    let fresh = session(&porte, "corp", &["admins"]);
    assert_eq!(
        check(&porte, &holding(&fresh), "corp", "admins").await,
        Ok(())
    );
}

#[test]
fn a_user_in_a_thousand_groups_gets_a_clear_error_or_keeps_only_the_groups_that_matter() {
    let porte = porte(&[]);
    let names: Vec<String> = (0..1000)
        .map(|i| format!("team-{i:04}-of-a-very-large-organization"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut data = session(&porte, "corp", &refs);
    let browser = Browser::new();
    let e = check::seal(&porte, &data, &browser.binding).unwrap_err();
    let shown = Error::from(e);
    assert_eq!(shown.error, ErrorCode::SessionTooLarge);
    assert!(shown.to_string().contains("1000 groups"), "{shown}");
    // The app keeps the groups it checks: the same user signs in, and the token opens.
    let keep = GroupSelection::Only(vec!["team-0042-of-a-very-large-organization".into()]);
    let user = data.user.as_mut().unwrap();
    user.groups = keep.filter(std::mem::take(&mut user.groups));
    assert_eq!(
        user.groups,
        [Group::new("team-0042-of-a-very-large-organization", None)]
    );
    let sealed = check::seal(&porte, &data, &browser.binding).unwrap();
    assert!(sealed.as_str().len() <= SESSION_BUDGET);
    assert!(check::open_bound(&porte, &sealed, &browser.binding).is_ok());
}

/// A sign-in reads the profile once, its groups claim included (it used to be read a second
/// time to take the groups from it: one more request to the provider at every sign-in).
#[tokio::test]
async fn a_sign_in_reads_the_profile_once_groups_included() {
    use crate::server::providers::{oauth, Groups, OAuthEndpoints};
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;

    let reads = Arc::new(AtomicUsize::new(0));
    let counted = reads.clone();
    let token = r#"{"access_token":"at","token_type":"Bearer","expires_in":3600}"#;
    let app = axum::Router::new()
        .route(
            "/token",
            axum::routing::post(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    token,
                )
            }),
        )
        .route(
            "/me",
            axum::routing::get(move || async move {
                counted.fetch_add(1, SeqCst);
                axum::Json(serde_json::json!({"sub": "u1", "groups": ["admins"]}))
            }),
        );
    let base = crate::server::testing::serve_on_loopback(app).await;
    let endpoints = OAuthEndpoints {
        authorization: format!("{base}/auth"),
        token: format!("{base}/token"),
        userinfo: format!("{base}/me"),
    };
    let mut spec = oauth("acme", endpoints, "id", "secret").unwrap();
    spec.groups = Groups::Claim("groups".into());
    spec.read_groups = GroupSelection::All;
    let porte = crate::Porte::builder()
        .production(false)
        .secret_key(super::fixtures::KEY)
        .provider(spec)
        .build()
        .unwrap();

    let (_, finished, _) = super::fixtures::sign_in(&porte, "acme").await;
    let user = finished
        .completion
        .outcome
        .expect("signed in")
        .user
        .unwrap();
    let groups: Vec<&str> = user.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(groups, ["admins"]);
    assert_eq!(
        reads.load(SeqCst),
        1,
        "the profile is read once per sign-in"
    );
}
