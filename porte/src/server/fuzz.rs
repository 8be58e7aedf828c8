//! Fuzz targets (proptest) for every parser of untrusted input: the callback query, the flow
//! cookie, the sealed session token and the binding cookie, each provider's user and groups
//! mapping, the discovery document, the JWKS and the ID token. Each target feeds random bytes
//! and text as well as structure-aware input (real parameter names and JSON keys with random
//! values, wrong types, huge numbers, deep nesting, near-valid tokens with random tails) into
//! the real function, and checks that it never panics and, where there is one, a property.
//!
//! `PORTE_FUZZ_CASES` sets the number of cases per target (default [`DEFAULT_CASES`], quick
//! enough for every `cargo test`). The documented run:
//! `PORTE_FUZZ_CASES=1000000 cargo test -p app --features ssr --release fuzz_ -- --test-threads=1 --nocapture`.
//! Nothing is written into the source tree (no failure persistence); a failure prints the
//! shrunk input, and `PROPTEST_RNG_SEED` replays a run.

mod cookies;
mod discovery;
mod id_token;
mod providers;
mod query;
mod sealed;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Number, Value};
use std::fmt::Debug;
use std::time::Instant;

/// Cases per target when `PORTE_FUZZ_CASES` is not set.
pub const DEFAULT_CASES: u32 = 1_000;

fn cases() -> u32 {
    std::env::var("PORTE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Runs one target: `test` on `cases()` inputs from `strategy`; panics (failing the test) with
/// the shrunk input when a case fails or panics.
fn run<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let cases = cases();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let started = Instant::now();
    if let Err(e) = runner.run(&strategy, test) {
        panic!("fuzz target {name}: {e}");
    }
    eprintln!(
        "fuzz target {name}: {cases} cases, no panic, every property held ({:.1?})",
        started.elapsed()
    );
}

/// Random text: any Unicode, empty, short ASCII, one of `words`, or long.
fn text_with(words: &'static [&'static str]) -> BoxedStrategy<String> {
    let words = if words.is_empty() { &["x"][..] } else { words };
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~]{0,24}",
        2 => prop::sample::select(words).prop_map(str::to_owned),
        1 => Just(String::new()),
        1 => prop_oneof![Just("true"), Just("false"), Just("null"), Just("0"), Just("-1")]
            .prop_map(str::to_owned),
        1 => ("[a-z]{1,3}", 1..5000usize).prop_map(|(s, n)| s.repeat(n)),
    ]
    .boxed()
}

/// A JSON scalar of any type, with edge-case numbers and strings.
fn json_leaf(words: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => prop_oneof![
            any::<f64>(),
            Just(1e308),
            Just(-1e308),
            Just(f64::MIN_POSITIVE),
            Just(-0.0),
            Just(0.5),
        ]
        .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        1 => prop_oneof![Just(u64::MAX), Just(0), Just(1 << 53)].prop_map(Value::from),
        1 => prop_oneof![Just(i64::MIN), Just(-1)].prop_map(Value::from),
        3 => text_with(words).prop_map(Value::String),
    ]
    .boxed()
}

/// An object key: mostly one the code reads, sometimes anything.
fn key_with(keys: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(keys).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
    .boxed()
}

/// Any JSON value whose objects mostly use `keys`: nested arrays and objects, wrong types,
/// and now and then a value wrapped a few hundred levels deep.
fn json_with(keys: &'static [&'static str]) -> BoxedStrategy<Value> {
    let nested = json_leaf(keys).prop_recursive(6, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key_with(keys), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    let deep = (json_leaf(keys), 1..300usize, key_with(keys)).prop_map(|(leaf, depth, key)| {
        (0..depth).fold(leaf, |v, i| {
            if i % 2 == 0 {
                Value::Array(vec![v])
            } else {
                Value::Object(Map::from_iter([(key.clone(), v)]))
            }
        })
    });
    prop_oneof![9 => nested, 1 => deep].boxed()
}

/// A JSON object whose keys are mostly `keys`, each with a value of any type (often a
/// `typical` one for that key).
fn object_with(
    keys: &'static [&'static str],
    typical: BoxedStrategy<Value>,
) -> BoxedStrategy<Map<String, Value>> {
    let value = prop_oneof![2 => typical, 2 => json_leaf(keys), 1 => json_with(keys)];
    prop::collection::vec((key_with(keys), value), 0..12)
        .prop_map(|kv| kv.into_iter().collect())
        .boxed()
}

/// Base64url (no padding) of random bytes of a length in `len`.
fn b64url(len: std::ops::Range<usize>) -> BoxedStrategy<String> {
    prop::collection::vec(any::<u8>(), len)
        .prop_map(|b| URL_SAFE_NO_PAD.encode(b))
        .boxed()
}

/// One edit of a string.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, char),
    Insert(Index, char),
    Delete(Index),
    Truncate(Index),
    Append(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let ch = prop_oneof![
        3 => prop::sample::select(&b"AZaz09-_+/=.;%, \"\\"[..]).prop_map(char::from),
        1 => any::<char>(),
    ];
    prop_oneof![
        (any::<Index>(), ch.clone()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<Index>(), ch).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<Index>().prop_map(Edit::Delete),
        any::<Index>().prop_map(Edit::Truncate),
        "[ -~]{1,16}".prop_map(Edit::Append),
    ]
}

/// Applies `edit` to `s` (the result may equal `s`).
fn apply(s: &str, edit: &Edit) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = |i: &Index, extra: usize| i.index(chars.len() + extra);
    let mut out = chars.clone();
    match edit {
        Edit::Replace(i, c) if !chars.is_empty() => out[at(i, 0)] = *c,
        Edit::Insert(i, c) => out.insert(at(i, 1), *c),
        Edit::Delete(i) if !chars.is_empty() => {
            out.remove(at(i, 0));
        }
        Edit::Truncate(i) => out.truncate(at(i, 1)),
        Edit::Append(tail) => out.extend(tail.chars()),
        _ => {}
    }
    out.into_iter().collect()
}

/// Random bytes, random text, or a JSON value's text with one edit: the ways a parser of
/// JSON documents is fed.
#[derive(Debug, Clone)]
enum Doc {
    Bytes(Vec<u8>),
    Text(String),
    Json(Value),
    Edited(Value, Edit),
}

impl Doc {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Doc::Bytes(b) => b.clone(),
            Doc::Text(t) => t.clone().into_bytes(),
            Doc::Json(v) => serde_json::to_vec(v).unwrap_or_default(),
            Doc::Edited(v, e) => apply(&v.to_string(), e).into_bytes(),
        }
    }
}

fn doc(json: BoxedStrategy<Value>) -> BoxedStrategy<Doc> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512).prop_map(Doc::Bytes),
        1 => any::<String>().prop_map(Doc::Text),
        4 => json.clone().prop_map(Doc::Json),
        2 => (json, edit()).prop_map(|(v, e)| Doc::Edited(v, e)),
    ]
    .boxed()
}
