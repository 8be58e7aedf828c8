//! Unit tests of the configuration: code and variables read, defaults, and every invalid value
//! named.

use super::*;

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const LOCAL: [(&str, &str); 3] = [
    ("OIDC_LOCAL_ISSUER", "http://127.0.0.1:4010"),
    ("OIDC_LOCAL_CLIENT_ID", "porte-local"),
    ("OIDC_LOCAL_CLIENT_SECRET", "secret"),
];

#[test]
fn nothing_configured_means_no_providers_and_the_default_origin() {
    let c = Config::from_vars(vars(&[("PATH", "/bin")])).unwrap();
    assert!(c.providers.is_empty());
    assert_eq!(c.redirect_uri(), "http://127.0.0.1:3000/api/oauth/redirect");
    assert!(!c.is_https());
}

#[test]
fn a_full_provider_is_read_with_defaults() {
    let c = Config::from_vars(vars(&LOCAL)).unwrap();
    let p = &c.providers[0];
    assert_eq!(p.id.as_str(), "local");
    assert_eq!(p.label, "Local");
    assert_eq!(p.scopes.base, ["openid", "profile", "email"]);
    assert_eq!(p.client_secret.expose(), "secret");
}

#[test]
fn scopes_label_and_origin_are_honoured() {
    let mut v = vars(&LOCAL);
    v.extend(vars(&[
        ("OIDC_LOCAL_SCOPES", "openid groups,email"),
        ("OIDC_LOCAL_LABEL", "Company SSO"),
        ("PORTE_ORIGIN", "https://app.example.test"),
    ]));
    let c = Config::from_vars(v).unwrap();
    assert_eq!(c.providers[0].scopes.base, ["openid", "groups", "email"]);
    assert_eq!(c.providers[0].label, "Company SSO");
    assert_eq!(
        c.redirect_uri(),
        "https://app.example.test/api/oauth/redirect"
    );
    assert!(c.is_https());
}

#[test]
fn a_half_configured_provider_names_the_missing_variable() {
    let err = Config::from_vars(vars(&LOCAL[..2])).unwrap_err();
    assert_eq!(err, ConfigError::Missing("OIDC_LOCAL_CLIENT_SECRET".into()));
    let err = Config::from_vars(vars(&[("OIDC_KC_CLIENT_ID", "x")])).unwrap_err();
    assert_eq!(err, ConfigError::Missing("OIDC_KC_ISSUER".into()));
}

#[test]
fn bad_values_are_rejected_with_the_variable_name() {
    let mut v = vars(&LOCAL);
    v.push(("OIDC_LOCAL_ISSUER".into(), "ftp://x".into()));
    assert!(
        matches!(Config::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "OIDC_LOCAL_ISSUER")
    );
    let v = vars(&[("PORTE_ORIGIN", "http://127.0.0.1:3000/app")]);
    assert!(
        matches!(Config::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "PORTE_ORIGIN")
    );
    let v = vars(&[("PORTE_SECRET_KEY", "short")]);
    assert!(
        matches!(Config::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "PORTE_SECRET_KEY")
    );
    let v = vars(&[
        ("PORTE_SECRET_KEY", &"k".repeat(32)),
        ("PORTE_PREVIOUS_SECRET_KEYS", "short"),
    ]);
    assert!(
        matches!(Config::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "PORTE_PREVIOUS_SECRET_KEYS")
    );
}

#[test]
fn production_requires_an_app_secret_and_development_does_not() {
    let err = Config::from_vars(vars(&[("PORTE_ENV", "production")])).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "PORTE_SECRET_KEY"));
    let dev = Config::from_vars(vars(&[("PORTE_ENV", "development")])).unwrap();
    assert!(dev.secret.is_none());
    let rotated = Config::from_vars(vars(&[
        ("PORTE_ENV", "production"),
        ("PORTE_SECRET_KEY", &"n".repeat(32)),
        (
            "PORTE_PREVIOUS_SECRET_KEYS",
            &format!("{},{}", "o".repeat(32), "p".repeat(40)),
        ),
    ]))
    .unwrap();
    assert_eq!(rotated.previous_secrets.len(), 2);
}

#[test]
fn secrets_never_show_in_debug_output() {
    let mut v = vars(&LOCAL);
    v.push(("PORTE_SECRET_KEY".into(), "k".repeat(40)));
    let dump = format!("{:?}", Config::from_vars(v).unwrap());
    assert!(!dump.contains("secret\""), "{dump}");
    assert!(!dump.contains("kkkk"), "{dump}");
}

#[test]
fn the_provider_timeout_defaults_to_10_s_and_is_bounded() {
    let c = Config::from_vars(vars(&[])).unwrap();
    assert_eq!(c.provider_timeout, DEFAULT_PROVIDER_TIMEOUT);
    let c = Config::from_vars(vars(&[("PORTE_PROVIDER_TIMEOUT_SECS", "3")])).unwrap();
    assert_eq!(c.provider_timeout, Duration::from_secs(3));
    for bad in ["0", "121", "2.5", "ten"] {
        let err = Config::from_vars(vars(&[("PORTE_PROVIDER_TIMEOUT_SECS", bad)])).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { name, .. } if name == "PORTE_PROVIDER_TIMEOUT_SECS"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn the_older_app_names_still_work_and_are_reported() {
    let c = Config::from_vars(vars(&[
        ("APP_ORIGIN", "https://old.example"),
        ("APP_SECRET_KEY", &"k".repeat(32)),
        ("APP_PROVIDER_TIMEOUT_SECS", "7"),
    ]))
    .unwrap();
    assert_eq!(c.redirect_uri(), "https://old.example/api/oauth/redirect");
    assert!(c.secret.is_some());
    assert_eq!(c.provider_timeout, Duration::from_secs(7));
    assert_eq!(
        c.legacy_names,
        [
            ("APP_ORIGIN", "PORTE_ORIGIN"),
            ("APP_SECRET_KEY", "PORTE_SECRET_KEY"),
            ("APP_PROVIDER_TIMEOUT_SECS", "PORTE_PROVIDER_TIMEOUT_SECS")
        ]
    );
    let both = Config::from_vars(vars(&[
        ("APP_ORIGIN", "https://old.example"),
        ("PORTE_ORIGIN", "https://new.example"),
    ]))
    .unwrap();
    assert_eq!(
        both.origin_text(),
        "https://new.example",
        "the new name wins"
    );
    let err = Config::from_vars(vars(&[("APP_SECRET_KEY", "short")])).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "APP_SECRET_KEY"));
}

#[test]
fn code_wins_over_the_environment_and_adds_to_its_providers() {
    let c = PorteBuilder::default()
        .from_vars(
            vars(&LOCAL)
                .into_iter()
                .chain(vars(&[("PORTE_ORIGIN", "https://env.example")])),
        )
        .origin("https://code.example")
        .provider(crate::providers::github("id", "secret"))
        .base_path("/auth/")
        .server_fn_prefix("/rpc")
        .home_path("/start")
        .provider_timeout(Duration::from_secs(3))
        .into_config()
        .unwrap();
    assert_eq!(c.redirect_uri(), "https://code.example/auth/redirect");
    assert_eq!(c.post_logout_uri(), "https://code.example/auth/logged-out");
    let ids: Vec<&str> = c.providers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["github", "local"]);
    assert_eq!(
        (c.server_fn_prefix.as_str(), c.home_path.as_str()),
        ("/rpc", "/start")
    );
    assert_eq!(c.provider_timeout, Duration::from_secs(3));
    let dup = PorteBuilder::default()
        .from_vars(vars(&LOCAL))
        .provider(crate::providers::openid("local", "https://x.example", "c", "s").unwrap())
        .into_config();
    assert!(dup.is_err(), "two providers named local");
}

#[test]
fn bad_paths_and_code_settings_name_what_is_wrong() {
    for (path, ok) in [
        ("/api/oauth", true),
        ("/", true),
        ("api", false),
        ("//x", false),
        ("/a?b", false),
        ("/a/../b", false),
    ] {
        let r = PorteBuilder::default().base_path(path).into_config();
        assert_eq!(r.is_ok(), ok, "{path}");
    }
    let err = PorteBuilder::default()
        .origin("http://x.example/app")
        .into_config()
        .unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "origin"));
    let err = PorteBuilder::default()
        .secret_key("short")
        .into_config()
        .unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "secret_key"));
    let err = PorteBuilder::default()
        .provider_timeout(Duration::from_millis(500))
        .into_config()
        .unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "provider_timeout"));
    let root = PorteBuilder::default()
        .base_path("/")
        .into_config()
        .unwrap();
    assert_eq!(root.redirect_uri(), "http://127.0.0.1:3000/redirect");
}

#[test]
fn typed_providers_match_their_environment_twins() {
    let from_env = Config::from_vars(vars(&[
        ("GITHUB_CLIENT_ID", "id"),
        ("GITHUB_CLIENT_SECRET", "s"),
        ("AZURE_CLIENT_ID", "id"),
        ("AZURE_CLIENT_SECRET", "s"),
        ("AZURE_TENANT", "organizations"),
    ]))
    .unwrap();
    let github = crate::providers::github("id", "s");
    let entra = crate::providers::entra("id", "s", "organizations").unwrap();
    for (a, b) in [
        (&from_env.providers[0], &github),
        (&from_env.providers[1], &entra),
    ] {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
    assert!(crate::providers::entra("id", "s", "a/b").is_err());
    assert!(crate::providers::openid("Bad Id", "https://x.example", "c", "s").is_err());
    assert!(crate::providers::openid("kc", "not a url", "c", "s").is_err());
    assert!(crate::providers::auth0("", "c", "s").is_err());
}
