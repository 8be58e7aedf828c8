//! Release micro-benchmarks, ignored by default (`scripts/bench` runs them): the server-side
//! session check of one protected call — open the seal and check the browser binding; then the
//! whole check (lifetimes, revocation) with the in-memory store, and with Redis when
//! `PORTE_BENCH_REDIS_URL` names one. Figures only, nothing is asserted about speed.
//!
//! `cargo test --release -p porte --features ssr --lib bench_session_check -- --ignored --nocapture`

use crate::server::http::extract::session_from_parts;
use crate::server::oauth::token::TokenSet;
use crate::server::porte::Config;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::check;
use crate::server::session::seal::SessionData;
use crate::server::{MemoryStore, Porte, RedisStore, RevocationStore};
use crate::{ProviderId, UserProfile};
use axum::http::{header, request::Parts, Request};
use std::sync::Arc;
use std::time::Instant;

const CALLS: usize = 20_000;

/// p50, p99 and mean in microseconds.
fn stats(mut ns: Vec<u128>) -> serde_json::Value {
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q) as usize] as f64 / 1000.0;
    let mean = ns.iter().sum::<u128>() as f64 / ns.len() as f64 / 1000.0;
    serde_json::json!({ "p50_us": at(0.5), "p99_us": at(0.99), "mean_us": mean, "calls": ns.len() })
}

fn porte(store: Arc<dyn RevocationStore>) -> Porte {
    let config = Config::from_vars([
        ("GITHUB_CLIENT_ID".to_string(), "id".to_string()),
        ("GITHUB_CLIENT_SECRET".into(), "secret".into()),
        ("PORTE_SECRET_KEY".into(), "k".repeat(40)),
    ])
    .expect("a valid configuration");
    Porte::new(config, store).expect("a Porte")
}

/// A signed-in GitHub session of a typical size, and the request parts that carry it.
fn request(porte: &Porte) -> (Parts, SessionData, crate::SealedToken, BrowserBinding) {
    let github = ProviderId::parse("github").expect("valid id");
    let mut user = UserProfile::new(github.clone(), "1001");
    user.name = Some("Alice Liddell".into());
    user.groups = vec![
        crate::Group::new("wonderland/admins", None),
        crate::Group::new("wonderland/readers", None),
    ];
    let data = SessionData {
        provider: github,
        token: TokenSet {
            access_token: crate::AccessToken::new("gho_".to_string() + &"a".repeat(36)),
            token_type: "bearer".into(),
            scope: vec!["read:user".into(), "user:email".into()],
            expires_in: None,
            expires_at: None,
            refresh_token: None,
            id_token: None,
        },
        id_token_claims: None,
        user: Some(user),
        lifetime: porte.new_lifetime(),
        groups_read_at: None,
    };
    let binding = BrowserBinding::generate();
    let sealed = porte.sealer().seal(&data, &binding);
    let cookie = binding.cookie(false).encoded().stripped().to_string();
    let (parts, ()) = Request::builder()
        .method("POST")
        .uri("/api/whoami")
        .header("x-porte-session", format!("github={}", sealed.as_str()))
        .header(header::COOKIE, cookie)
        .body(())
        .expect("a request")
        .into_parts();
    (parts, data, sealed, binding)
}

async fn whole_check(porte: &Porte, parts: &Parts) -> serde_json::Value {
    for _ in 0..1_000 {
        session_from_parts(porte, parts, None)
            .await
            .expect("a live session");
    }
    let mut ns = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        let s = session_from_parts(porte, parts, None).await;
        ns.push(t.elapsed().as_nanos());
        assert!(s.is_ok());
    }
    stats(ns)
}

#[test]
#[ignore = "a benchmark: scripts/bench runs it in release mode"]
fn bench_session_check() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let memory = porte(Arc::new(MemoryStore::new()));
        let (parts, _, sealed, binding) = request(&memory);
        let mut ns = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let t = Instant::now();
            let opened = check::open_bound(&memory, &sealed, &binding);
            ns.push(t.elapsed().as_nanos());
            assert!(opened.is_ok());
        }
        let seal = stats(ns);
        let with_memory = whole_check(&memory, &parts).await;
        let with_redis = match std::env::var("PORTE_BENCH_REDIS_URL") {
            Ok(url) => {
                let store = RedisStore::connect(&url)
                    .await
                    .expect("Redis for the benchmark");
                let redis = porte(Arc::new(store));
                let (parts, ..) = request(&redis);
                whole_check(&redis, &parts).await
            }
            Err(_) => serde_json::Value::Null,
        };
        let report = serde_json::json!({
            "seal_and_binding": seal, "memory_store": with_memory, "redis_store": with_redis,
        });
        println!("{report}");
        if let Ok(path) = std::env::var("PORTE_BENCH_JSON") {
            std::fs::write(path, report.to_string()).expect("the report written");
        }
    });
}
