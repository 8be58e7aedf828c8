//! The sealed session token (`p1.<kid>.<base64url>`, the JSON version that `p2` replaced and that still opens): `Sealer::open_bytes` and `Sealer::open`.

use super::{apply, b64url, edit, json_leaf, json_with, object_with, run, Edit};
use crate::server::config::AppSecret;
use crate::server::porte::Config;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::seal::{SealError, Sealer, MAX_SEALED_LEN};
use crate::SealedToken;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

const SESSION_KEYS: &[&str] = &[
    "provider",
    "token",
    "id_token_claims",
    "user",
    "lifetime",
    "session_id",
    "signed_in_at",
    "idle_until",
    "access_token",
    "token_type",
    "scope",
    "expires_in",
    "expires_at",
    "refresh_token",
    "id_token",
    "id",
    "groups",
    "fields",
];

#[derive(Debug, Clone)]
enum Input {
    /// Random text.
    Junk(String),
    /// `<version>.<kid>.<body>` with a real or random key id and a random body.
    Near {
        version: String,
        kid: (u8, String),
        body: String,
    },
    /// A real token (sealed by the current or the previous key), maybe edited, maybe
    /// presented by another browser.
    Edited {
        plain: Vec<u8>,
        previous: bool,
        edit: Option<Edit>,
        other_browser: bool,
    },
    /// Any JSON sealed under the real key: `open` must not trust its shape.
    Plain(Value),
    /// Longer than any token.
    Huge(usize),
}

fn input() -> impl Strategy<Value = Input> {
    let version = prop_oneof![
        4 => Just("p1".to_owned()),
        1 => prop_oneof![Just("p2"), Just("P1"), Just(""), Just("p1 ")].prop_map(str::to_owned),
    ];
    let kid = (any::<u8>(), prop_oneof!["[0-9a-f]{8}", any::<String>()]);
    let body = prop_oneof![
        4 => b64url(0..200),
        1 => b64url(28..29),
        1 => any::<String>(),
        1 => b64url(0..64).prop_map(|b| format!("{b}.{b}")),
        1 => b64url(28..64).prop_map(|b| format!("{b}=")),
    ];
    let edited = (
        prop::collection::vec(any::<u8>(), 0..128),
        any::<bool>(),
        proptest::option::of(edit()),
        prop::bool::weighted(0.2),
    );
    let claims = prop_oneof![
        Just(Value::Null),
        object_with(SESSION_KEYS, json_leaf(SESSION_KEYS)).prop_map(Value::Object),
    ];
    let user = prop_oneof![Just(Value::Null), json_with(SESSION_KEYS)];
    let session = (claims, user, any::<u64>(), any::<String>()).prop_map(|(claims, user, at, s)| {
        json!({"provider": "local", "token": {"access_token": s, "token_type": "Bearer",
            "scope": [s], "expires_in": null, "expires_at": at, "refresh_token": s, "id_token": null},
            "id_token_claims": claims, "user": user, "lifetime": {"session_id": s,
            "signed_in_at": at, "expires_at": at, "idle_until": at}})
    });
    prop_oneof![
        1 => any::<String>().prop_map(Input::Junk),
        1 => session.prop_map(Input::Plain),
        3 => (version, kid, body).prop_map(|(version, kid, body)| Input::Near { version, kid, body }),
        3 => edited.prop_map(|(plain, previous, edit, other_browser)| Input::Edited {
            plain, previous, edit, other_browser
        }),
        2 => json_with(SESSION_KEYS).prop_map(Input::Plain),
        1 => (1..64usize).prop_map(Input::Huge),
    ]
}

fn secret(c: char) -> AppSecret {
    let vars = [("APP_SECRET_KEY".to_string(), c.to_string().repeat(40))];
    Config::from_vars(vars).unwrap().secret.unwrap()
}

#[test]
fn fuzz_sealed_token() {
    let (current, previous) = (secret('c'), secret('p'));
    let sealer = Sealer::new(Some(&current), std::slice::from_ref(&previous));
    let only = [
        Sealer::new(Some(&current), &[]),
        Sealer::new(Some(&previous), &[]),
    ];
    let browser = BrowserBinding::generate();
    let kids: Vec<String> = only
        .iter()
        .map(|s| {
            s.seal_bytes(b"", &browser)
                .as_str()
                .split('.')
                .nth(1)
                .unwrap()
                .to_owned()
        })
        .collect();
    run("sealed token", input(), |input| {
        match input {
            Input::Junk(raw) => {
                let t = SealedToken::new(raw);
                prop_assert!(sealer.open_bytes(&t, &browser).is_err());
                prop_assert!(sealer.open(&t, &browser).is_err());
            }
            Input::Near {
                version,
                kid: (which, random),
                body,
            } => {
                let kid = match which % 3 {
                    0 => kids[0].clone(),
                    1 => kids[1].clone(),
                    _ => random,
                };
                let raw = format!("{version}.{kid}.{body}");
                let got = sealer.open_bytes(&SealedToken::new(raw.as_str()), &browser);
                let want = if version != "p1" || kid.contains('.') {
                    None // Malformed, or a dot moved the fields: any error.
                } else if !kids.contains(&kid) {
                    Some(SealError::UnknownKey)
                } else if URL_SAFE_NO_PAD.decode(&body).map_or(true, |b| b.len() < 28) {
                    Some(SealError::Malformed)
                } else {
                    Some(SealError::Tampered)
                };
                match want {
                    Some(e) => prop_assert_eq!(got, Err(e), "{}", raw),
                    None => prop_assert!(got.is_err(), "{}", raw),
                }
            }
            Input::Edited {
                plain,
                previous,
                edit,
                other_browser,
            } => {
                let sealed = only[previous as usize].seal_bytes(&plain, &browser);
                let raw = edit
                    .as_ref()
                    .map_or(sealed.as_str().to_owned(), |e| apply(sealed.as_str(), e));
                let presenter = if other_browser {
                    BrowserBinding::generate()
                } else {
                    browser.clone()
                };
                let got = sealer.open_bytes(&SealedToken::new(raw.as_str()), &presenter);
                if raw == sealed.as_str() && !other_browser {
                    prop_assert_eq!(got, Ok(plain));
                } else {
                    prop_assert!(got.is_err(), "{} opened", raw);
                }
            }
            Input::Plain(doc) => {
                let t = sealer.seal_bytes(doc.to_string().as_bytes(), &browser);
                if let Ok(data) = sealer.open(&t, &browser) {
                    // Whatever opens is a session that seals and opens again (floats in the
                    // claims may move by an ulp: serde_json's default float parsing).
                    let again = sealer.open(&sealer.seal(&data, &browser), &browser);
                    prop_assert!(
                        again.as_ref().is_ok_and(|a| a.token == data.token
                            && a.provider == data.provider
                            && a.lifetime == data.lifetime
                            && a.user.is_some() == data.user.is_some()),
                        "{:?}",
                        again
                    );
                }
            }
            Input::Huge(extra) => {
                let raw = format!("p1.{}.{}", kids[0], "A".repeat(MAX_SEALED_LEN + extra));
                let got = sealer.open_bytes(&SealedToken::new(raw), &browser);
                prop_assert_eq!(got, Err(SealError::Malformed));
            }
        }
        Ok(())
    });
}
