use super::*;
use crate::server::login::flow;
use crate::server::oauth::discovery::DiscoveryDocument;
use crate::server::porte::Config;
use crate::server::Porte;
use crate::ProviderId;

fn discovered(iss_supported: Option<bool>) -> Discovered {
    let mut doc = serde_json::json!({
        "issuer": "https://idp.example.test",
        "authorization_endpoint": "https://idp.example.test/auth",
        "token_endpoint": "https://idp.example.test/token",
        "jwks_uri": "https://idp.example.test/jwks",
    });
    if let Some(flag) = iss_supported {
        doc["authorization_response_iss_parameter_supported"] = flag.into();
    }
    let doc: DiscoveryDocument = serde_json::from_value(doc).unwrap();
    Discovered::new(doc, serde_json::from_str(r#"{"keys":[]}"#).unwrap())
}

#[test]
fn rfc9207_iss_matrix() {
    let right = Some("https://idp.example.test");
    let wrong = Some("https://other.example.test");
    let trailing_slash = Some("https://idp.example.test/");
    for advertised in [None, Some(false), Some(true)] {
        let d = discovered(advertised);
        let check = |iss| check_response_issuer(&d, iss);
        assert_eq!(check(right), Ok(()));
        assert!(matches!(
            check(wrong),
            Err(AuthError::IssuerMismatch { .. })
        ));
        assert!(matches!(
            check(trailing_slash),
            Err(AuthError::IssuerMismatch { .. })
        ));
        if advertised == Some(true) {
            assert_eq!(check(None), Err(AuthError::IssuerMissing));
        } else {
            assert_eq!(
                check(None),
                Ok(()),
                "not advertised: a missing iss is allowed"
            );
        }
    }
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn request(provider: &str, scope: &[&str], fetch_user: bool) -> LoginRequest {
    LoginRequest {
        provider: ProviderId::parse(provider).unwrap(),
        scope: scope.iter().map(|s| s.to_string()).collect(),
        fetch_user,
        complete_page_html: None,
        return_to: None,
    }
}

#[test]
fn scopes_combine_base_user_groups_and_extra_without_duplicates() {
    let github = |groups: &str| {
        let config = Config::from_vars(vars(&[
            ("GITHUB_CLIENT_ID", "id"),
            ("GITHUB_CLIENT_SECRET", "secret"),
            ("GITHUB_GROUPS", groups),
        ]))
        .unwrap();
        Provider::new(config.providers[0].clone())
    };
    // The server reads teams: read:org, whatever the page asked.
    let scopes = github("*").scopes_for(&request("github", &["public_repo", "user:email"], true));
    assert_eq!(
        scopes.unwrap(),
        ["read:user", "user:email", "read:org", "public_repo"]
    );
    // GitHub reads no teams unless configured (read:org is an extra consent).
    let plain = github("")
        .scopes_for(&request("github", &[], true))
        .unwrap();
    assert_eq!(plain, ["read:user", "user:email"]);
    // GitHub has no ID token: the user is fetched even when the page says not to.
    let anyway = github("")
        .scopes_for(&request("github", &[], false))
        .unwrap();
    assert_eq!(anyway, ["read:user", "user:email"]);
    for bad in ["a b", "x\"y", "back\\slash", ""] {
        assert!(
            matches!(
                github("").scopes_for(&request("github", &[bad], true)),
                Err(AuthError::InvalidRequest(_))
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn an_openid_provider_reads_its_groups_claim_unless_told_not_to() {
    let local = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("OIDC_LOCAL_ISSUER", "http://127.0.0.1:4010"),
            ("OIDC_LOCAL_CLIENT_ID", "id"),
            ("OIDC_LOCAL_CLIENT_SECRET", "secret"),
        ];
        pairs.extend_from_slice(extra);
        Provider::new(Config::from_vars(vars(&pairs)).unwrap().providers[0].clone())
    };
    let default = local(&[]);
    assert!(default.spec.reads_groups() && default.fetches_user(false));
    let only = local(&[("OIDC_LOCAL_GROUPS", "admins, readers")]);
    assert!(only.spec.read_groups.keeps("admins") && !only.spec.read_groups.keeps("builders"));
    let none = local(&[("OIDC_LOCAL_GROUPS", "none")]);
    assert!(!none.spec.reads_groups() && !none.fetches_user(false));
}

#[tokio::test]
async fn an_unreachable_provider_is_a_clear_error_not_a_panic() {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let config = Config::from_vars(vars(&[
        ("OIDC_DOWN_ISSUER", "http://127.0.0.1:9"),
        ("OIDC_DOWN_CLIENT_ID", "id"),
        ("OIDC_DOWN_CLIENT_SECRET", "secret"),
    ]))
    .unwrap();
    let auth = Porte::new(config, std::sync::Arc::new(crate::MemoryStore::new())).unwrap();
    let err = flow::start_login(&auth, &request("down", &[], true), None)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Discovery { .. }), "{err:?}");
    assert_eq!(crate::Error::from(err).error, "provider_unavailable");
    let unknown = flow::start_login(&auth, &request("nope", &[], true), None)
        .await
        .unwrap_err();
    assert_eq!(
        unknown,
        AuthError::UnknownProvider(ProviderId::parse("nope").unwrap())
    );
    let mut big = request("down", &[], true);
    big.complete_page_html = Some("x".repeat(5000));
    assert!(matches!(
        flow::start_login(&auth, &big, None).await,
        Err(AuthError::InvalidRequest(_))
    ));
}
