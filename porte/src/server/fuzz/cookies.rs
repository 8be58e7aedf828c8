//! The flow cookie (`FlowCookies::open`), the browser binding cookie and the logout state
//! cookie, from a `Cookie` request header.

use super::{apply, b64url, edit, json_with, run, text_with, Edit};
use crate::server::login::flow_cookie::{unix_now, FlowCookies, PendingLogin};
use crate::server::porte::Config;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::lifecycle;
use crate::ProviderId;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cookie::{Cookie, CookieJar, Key};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

const SECRET: &str = "fuzz-secret-0123456789abcdef0123456789";
const FLOW_KEYS: &[&str] = &[
    "provider",
    "state",
    "pkce_verifier",
    "nonce",
    "started_at",
    "browser",
    "fetch_user",
    "return_to",
    "complete_page_html",
];

/// A `state` as Porte issues them, or anything.
fn state() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[A-Za-z0-9_-]{1,43}",
        1 => any::<String>(),
        1 => "[A-Za-z0-9_-]{120,140}",
    ]
    .boxed()
}

/// Another cookie of the same header (never named like a flow cookie).
fn other_cookie() -> BoxedStrategy<String> {
    let name = prop_oneof!["o[a-z_]{0,10}", Just("porte_bind".to_owned())];
    (name, "[A-Za-z0-9+/=_-]{0,40}")
        .prop_map(|(n, v)| format!("{n}={v}"))
        .boxed()
}

/// Joins cookies the ways browsers and proxies do.
fn join(cookies: &[String], sep: u8) -> String {
    cookies.join(["; ", ";", " ;  "][sep as usize % 3])
}

#[derive(Debug, Clone)]
enum FlowInput {
    /// A random header and `state`.
    Junk(String, String),
    /// Cookies named for the state (or near it) holding random values.
    Near {
        state: String,
        secure: bool,
        cookies: Vec<(u8, String)>,
        sep: u8,
    },
    /// A real sealed flow among other cookies, maybe edited, maybe out of its time window.
    Sealed {
        state: String,
        secure: bool,
        offset: i64,
        return_to: Option<String>,
        page: Option<String>,
        edit: Option<Edit>,
        others: Vec<String>,
        at: Index,
        sep: u8,
    },
    /// Any plaintext sealed under the real key: the JSON of the flow is not trusted either.
    Plain { state: String, plain: Value },
}

fn flow_json(state: String) -> BoxedStrategy<Value> {
    let started = prop_oneof![
        Just(json!(unix_now())),
        Just(json!(i64::MIN)),
        Just(json!(i64::MAX)),
        Just(json!(u64::MAX)),
        any::<i64>().prop_map(Value::from),
        Just(json!(-1.5)),
        Just(json!("0")),
    ];
    let well_formed = (started, json_with(FLOW_KEYS), any::<bool>()).prop_map(move |(t, v, p)| {
        json!({"provider": if p { json!("local") } else { v.clone() }, "state": state,
               "started_at": t, "pkce_verifier": v, "nonce": null})
    });
    prop_oneof![2 => well_formed, 1 => json_with(FLOW_KEYS)].boxed()
}

fn flow_input() -> impl Strategy<Value = FlowInput> {
    let cookie_value = prop_oneof![b64url(0..120), any::<String>(), "[A-Za-z0-9+/=]{0,80}"];
    let near = (
        state(),
        any::<bool>(),
        prop::collection::vec((any::<u8>(), cookie_value), 0..5),
    )
        .prop_map(|(state, secure, cookies)| (state, secure, cookies));
    let sealed = (
        "[A-Za-z0-9_-]{1,43}",
        any::<bool>(),
        prop_oneof![Just(0i64), -700..700i64, any::<i64>().prop_map(|o| o / 2)],
        proptest::option::of(any::<String>()),
        proptest::option::of(text_with(&["<h1>Thanks</h1>"])),
        proptest::option::of(edit()),
        (
            prop::collection::vec(other_cookie(), 0..4),
            any::<Index>(),
            any::<u8>(),
        ),
    );
    prop_oneof![
        1 => (any::<String>(), state()).prop_map(|(h, s)| FlowInput::Junk(h, s)),
        2 => (near, any::<u8>()).prop_map(|((state, secure, cookies), sep)| FlowInput::Near {
            state, secure, cookies, sep
        }),
        3 => sealed.prop_map(|(state, secure, offset, return_to, page, edit, (others, at, sep))| {
            FlowInput::Sealed { state, secure, offset, return_to, page, edit, others, at, sep }
        }),
        2 => "[A-Za-z0-9_-]{1,43}".prop_flat_map(|s| (Just(s.clone()), flow_json(s)))
            .prop_map(|(state, plain)| FlowInput::Plain { state, plain }),
    ]
}

fn secret() -> crate::server::config::AppSecret {
    Config::from_vars([("APP_SECRET_KEY".to_string(), SECRET.to_string())])
        .expect("a valid secret")
        .secret
        .expect("the secret is set")
}

#[test]
fn fuzz_flow_cookie() {
    let secret = secret();
    let jars = [false, true].map(|secure| FlowCookies::new(Some(&secret), &[], secure));
    let key = Key::derive_from(secret.expose());
    let flow_name = |secure: bool, state: &str| {
        format!(
            "{}porte_flow_{state}",
            if secure { "__Secure-" } else { "" }
        )
    };
    run("flow cookie", flow_input(), |input| match input {
        FlowInput::Junk(header, state) => {
            prop_assert_eq!(jars[0].open(Some(&header), &state), None);
            prop_assert_eq!(jars[1].open(Some(&header), &state), None);
            Ok(())
        }
        FlowInput::Near {
            state,
            secure,
            cookies,
            sep,
        } => {
            let cookies: Vec<String> = cookies
                .iter()
                .map(|(how, value)| {
                    let name = match how % 4 {
                        0 => flow_name(secure, &state),
                        1 => flow_name(!secure, &state),
                        2 => flow_name(secure, &format!("{state}x")),
                        _ => {
                            let half: String = state.chars().take(state.len() / 2).collect();
                            format!("porte_flow_{half}")
                        }
                    };
                    format!("{name}={value}")
                })
                .collect();
            let header = join(&cookies, sep);
            prop_assert_eq!(jars[secure as usize].open(Some(&header), &state), None);
            Ok(())
        }
        FlowInput::Sealed {
            state,
            secure,
            offset,
            return_to,
            page,
            edit,
            others,
            at,
            sep,
        } => {
            let jar = &jars[secure as usize];
            let mut flow = PendingLogin::new(ProviderId::parse("local").unwrap(), &state);
            flow.started_at = flow.started_at.saturating_add(offset);
            flow.nonce = Some(crate::server::secret::Secret::new("n"));
            flow.return_to = return_to;
            flow.complete_page_html = page;
            let sealed = jar.seal(&flow).encoded().stripped().to_string();
            let ours = edit.as_ref().map_or(sealed.clone(), |e| apply(&sealed, e));
            let mut cookies = others;
            cookies.insert(at.index(cookies.len() + 1), ours.clone());
            let header = join(&cookies, sep);
            let opened = jar.open(Some(&header), &state);
            // One second of slack at each end of the window, for the clock.
            let age = -offset;
            if ours == sealed && (-59..=599).contains(&age) {
                prop_assert_eq!(&opened, &Some(flow.clone()), "{}", header);
            }
            if !(-61..=601).contains(&age) {
                prop_assert_eq!(&opened, &None, "{}", header);
            }
            if let Some(opened) = opened {
                // An edit may only have changed what the cookie syntax ignores.
                prop_assert_eq!(opened, flow);
                let same = ours.split(';').any(|part| {
                    Cookie::parse_encoded(part.trim())
                        .is_ok_and(|c| c.encoded().stripped().to_string() == sealed)
                });
                prop_assert!(same, "{}", header);
            }
            Ok(())
        }
        FlowInput::Plain { state, plain } => {
            let name = flow_name(false, &state);
            let mut sealer = CookieJar::new();
            sealer
                .private_mut(&key)
                .add(Cookie::new(name.clone(), plain.to_string()));
            let value = sealer.get(&name).unwrap().value().to_owned();
            let header = format!("{name}={value}");
            if let Some(flow) = jars[0].open(Some(&header), &state) {
                let age = unix_now() - flow.started_at;
                prop_assert_eq!(&flow.state, &state);
                prop_assert!((-61..=601).contains(&age), "{:?}", flow);
            }
            Ok(())
        }
    });
}

#[derive(Debug, Clone)]
enum BindingInput {
    Junk(String, bool),
    Built {
        secure: bool,
        cookies: Vec<(u8, String)>,
        sep: u8,
    },
}

fn binding_input() -> impl Strategy<Value = BindingInput> {
    let value = prop_oneof![
        3 => b64url(32..33),
        2 => b64url(0..48),
        1 => "[A-Za-z0-9_-]{0,50}",
        1 => b64url(32..33).prop_map(|v| format!("{v}=")),
    ];
    prop_oneof![
        1 => (any::<String>(), any::<bool>()).prop_map(|(h, s)| BindingInput::Junk(h, s)),
        3 => (any::<bool>(), prop::collection::vec((any::<u8>(), value), 0..5), any::<u8>())
            .prop_map(|(secure, cookies, sep)| BindingInput::Built { secure, cookies, sep }),
    ]
}

#[test]
fn fuzz_binding_cookie() {
    run("binding cookie", binding_input(), |input| {
        let decodes_to_32 = |v: &[u8]| URL_SAFE_NO_PAD.decode(v).is_ok_and(|b| b.len() == 32);
        let (header, secure, expected) = match input {
            BindingInput::Junk(h, secure) => (h, secure, None),
            BindingInput::Built {
                secure,
                cookies,
                sep,
            } => {
                let name = |how: u8| match how % 4 {
                    0 | 1 if secure => "__Host-porte_bind",
                    0 | 1 => "porte_bind",
                    2 => "__Host-porte_bind",
                    _ => "porte_bindx",
                };
                let ours = if secure {
                    "__Host-porte_bind"
                } else {
                    "porte_bind"
                };
                // The first cookie of our name counts, whether or not it is well formed.
                let first = cookies.iter().find(|(how, _)| name(*how) == ours);
                let expected = Some(first.filter(|(_, v)| decodes_to_32(v.as_bytes())).cloned());
                let parts: Vec<String> = cookies
                    .iter()
                    .map(|(how, v)| format!("{}={v}", name(*how)))
                    .collect();
                (join(&parts, sep), secure, expected)
            }
        };
        let found = BrowserBinding::from_cookie_header(Some(&header), secure);
        if let Some(b) = &found {
            prop_assert!(decodes_to_32(b.as_bytes()), "{}", header);
        }
        if let Some(want) = expected {
            let want = want.map(|(_, v)| v);
            let got = found.map(|b| String::from_utf8(b.as_bytes().to_vec()).unwrap());
            prop_assert_eq!(got, want, "{}", header);
        }
        // The logout state cookie is read from the same header.
        let state = header.split('=').nth(1).unwrap_or_default();
        if lifecycle::logout_state_matches(Some(&header), Some(state)) {
            prop_assert!(!state.is_empty() && header.contains("porte_logout"));
        }
        Ok(())
    });
}
