use super::*;

fn vars(pairs: &[(&str, &str)]) -> Vars {
    Vars::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

#[test]
fn each_built_in_provider_appears_only_when_configured() {
    let all = from_vars(&vars(&[
        ("GITHUB_CLIENT_ID", "g"),
        ("GITHUB_CLIENT_SECRET", "s"),
        ("GOOGLE_CLIENT_ID", "g"),
        ("GOOGLE_CLIENT_SECRET", "s"),
        ("AZURE_CLIENT_ID", "a"),
        ("AZURE_CLIENT_SECRET", "s"),
        ("AZURE_TENANT", "organizations"),
        ("AUTH0_DOMAIN", "tenant.eu.auth0.com"),
        ("AUTH0_CLIENT_ID", "a"),
        ("AUTH0_CLIENT_SECRET", "s"),
        ("AUTHGEAR_DOMAIN", "app.authgear.cloud"),
        ("AUTHGEAR_CLIENT_ID", "a"),
        ("AUTHGEAR_CLIENT_SECRET", "s"),
        ("LINKEDIN_CLIENT_ID", "l"),
        ("LINKEDIN_CLIENT_SECRET", "s"),
        ("OAUTH_ACME_AUTHORIZATION_URL", "https://acme.example/auth"),
        ("OAUTH_ACME_TOKEN_URL", "https://acme.example/token"),
        ("OAUTH_ACME_USERINFO_URL", "https://acme.example/me"),
        ("OAUTH_ACME_CLIENT_ID", "c"),
        ("OAUTH_ACME_CLIENT_SECRET", "s"),
        ("OAUTH_ACME_CLIENT_AUTH", "post"),
        ("OAUTH_ACME_USER_ID_FIELD", "id"),
    ]))
    .unwrap();
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["github", "google", "azure", "auth0", "authgear", "linkedin", "acme"]
    );
    let issuer = |i: usize| match &all[i].endpoints {
        Endpoints::Discovery { issuer, .. } => issuer.clone(),
        Endpoints::Explicit { authorization, .. } => authorization.clone(),
    };
    assert_eq!(issuer(1), "https://accounts.google.com");
    assert_eq!(
        issuer(2),
        "https://login.microsoftonline.com/organizations/v2.0"
    );
    assert_eq!(
        issuer(3),
        "https://tenant.eu.auth0.com/",
        "Auth0's issuer ends with /"
    );
    assert_eq!(
        issuer(4),
        "https://app.authgear.cloud",
        "Authgear's issuer is the bare origin"
    );
    assert_eq!(issuer(5), "https://www.linkedin.com/oauth/v2/authorization");
    assert_eq!((all[5].client_auth, all[5].pkce), (ClientAuth::Post, false));
    assert_eq!(all[6].client_auth, ClientAuth::Post);
    let google = &all[1].auth_params;
    assert!(google.contains(&("access_type".into(), "offline".into())));
    assert!(
        from_vars(&vars(&[("GITHUB_TOKEN", "ci"), ("AZURE_TENANT_ID", "x")]))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_half_configured_provider_names_the_missing_variable() {
    for (set, missing) in [
        (vec![("GITHUB_CLIENT_ID", "x")], "GITHUB_CLIENT_SECRET"),
        (vec![("GOOGLE_CLIENT_SECRET", "x")], "GOOGLE_CLIENT_ID"),
        (
            vec![("AUTH0_CLIENT_ID", "x"), ("AUTH0_CLIENT_SECRET", "y")],
            "AUTH0_DOMAIN",
        ),
        (vec![("LINKEDIN_CLIENT_ID", "x")], "LINKEDIN_CLIENT_SECRET"),
        (
            vec![("OAUTH_ACME_CLIENT_ID", "x")],
            "OAUTH_ACME_AUTHORIZATION_URL",
        ),
    ] {
        let err = from_vars(&vars(&set)).unwrap_err();
        assert_eq!(err, ConfigError::Missing(missing.into()));
    }
    let err = from_vars(&vars(&[
        ("AZURE_CLIENT_ID", "a"),
        ("AZURE_CLIENT_SECRET", "s"),
        ("AZURE_TENANT", "a/b"),
    ]))
    .unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "AZURE_TENANT"));
    let dup = from_vars(&vars(&[
        ("GITHUB_CLIENT_ID", "g"),
        ("GITHUB_CLIENT_SECRET", "s"),
        ("OIDC_GITHUB_ISSUER", "https://x.example"),
        ("OIDC_GITHUB_CLIENT_ID", "c"),
        ("OIDC_GITHUB_CLIENT_SECRET", "s"),
    ]))
    .unwrap();
    assert!(check_unique(&dup).is_err(), "two providers with one id");
}
