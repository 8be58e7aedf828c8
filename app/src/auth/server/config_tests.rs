//! Unit tests of `config.rs`: variables read, defaults, and every invalid value named.

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
    let c = AuthConfig::from_vars(vars(&[("PATH", "/bin")])).unwrap();
    assert!(c.providers.is_empty());
    assert_eq!(c.redirect_uri(), "http://127.0.0.1:3000/api/oauth/redirect");
    assert!(!c.is_https());
}

#[test]
fn a_full_provider_is_read_with_defaults() {
    let c = AuthConfig::from_vars(vars(&LOCAL)).unwrap();
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
        ("APP_ORIGIN", "https://app.example.test"),
    ]));
    let c = AuthConfig::from_vars(v).unwrap();
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
    let err = AuthConfig::from_vars(vars(&LOCAL[..2])).unwrap_err();
    assert_eq!(err, ConfigError::Missing("OIDC_LOCAL_CLIENT_SECRET".into()));
    let err = AuthConfig::from_vars(vars(&[("OIDC_KC_CLIENT_ID", "x")])).unwrap_err();
    assert_eq!(err, ConfigError::Missing("OIDC_KC_ISSUER".into()));
}

#[test]
fn bad_values_are_rejected_with_the_variable_name() {
    let mut v = vars(&LOCAL);
    v.push(("OIDC_LOCAL_ISSUER".into(), "ftp://x".into()));
    assert!(
        matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "OIDC_LOCAL_ISSUER")
    );
    let v = vars(&[("APP_ORIGIN", "http://127.0.0.1:3000/app")]);
    assert!(
        matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "APP_ORIGIN")
    );
    let v = vars(&[("APP_SECRET_KEY", "short")]);
    assert!(
        matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "APP_SECRET_KEY")
    );
    let v = vars(&[
        ("APP_SECRET_KEY", &"k".repeat(32)),
        ("APP_PREVIOUS_SECRET_KEYS", "short"),
    ]);
    assert!(
        matches!(AuthConfig::from_vars(v), Err(ConfigError::Invalid { name, .. }) if name == "APP_PREVIOUS_SECRET_KEYS")
    );
}

#[test]
fn production_requires_an_app_secret_and_development_does_not() {
    let err = AuthConfig::from_vars(vars(&[("APP_ENV", "production")])).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { name, .. } if name == "APP_SECRET_KEY"));
    let dev = AuthConfig::from_vars(vars(&[("APP_ENV", "development")])).unwrap();
    assert!(dev.secret.is_none());
    let rotated = AuthConfig::from_vars(vars(&[
        ("APP_ENV", "production"),
        ("APP_SECRET_KEY", &"n".repeat(32)),
        (
            "APP_PREVIOUS_SECRET_KEYS",
            &format!("{},{}", "o".repeat(32), "p".repeat(40)),
        ),
    ]))
    .unwrap();
    assert_eq!(rotated.previous_secrets.len(), 2);
}

#[test]
fn secrets_never_show_in_debug_output() {
    let mut v = vars(&LOCAL);
    v.push(("APP_SECRET_KEY".into(), "k".repeat(40)));
    let dump = format!("{:?}", AuthConfig::from_vars(v).unwrap());
    assert!(!dump.contains("secret\""), "{dump}");
    assert!(!dump.contains("kkkk"), "{dump}");
}

#[test]
fn the_provider_timeout_defaults_to_10_s_and_is_bounded() {
    let c = AuthConfig::from_vars(vars(&[])).unwrap();
    assert_eq!(c.provider_timeout, DEFAULT_PROVIDER_TIMEOUT);
    let c = AuthConfig::from_vars(vars(&[("APP_PROVIDER_TIMEOUT_SECS", "3")])).unwrap();
    assert_eq!(c.provider_timeout, Duration::from_secs(3));
    for bad in ["0", "121", "2.5", "ten"] {
        let err = AuthConfig::from_vars(vars(&[("APP_PROVIDER_TIMEOUT_SECS", bad)])).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { name, .. } if name == "APP_PROVIDER_TIMEOUT_SECS"),
            "{bad}: {err}"
        );
    }
}
