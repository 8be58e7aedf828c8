//! The floor of a login's server CPU: what any server must do for one OpenID login with a
//! confidential client, on the same crates as Porte (axum, reqwest, jsonwebtoken), and nothing
//! more. No sealing, no browser binding, no completion page, no configuration: the flow's
//! secrets travel in a plain cookie. A benchmark fixture, never a way to sign anyone in.
//!
//!   GET  /        "floor-server" (readiness)
//!   POST /start   the authorization URL (state, nonce, PKCE S256) as text; cookie `floor`
//!   GET  /cb      code exchange (client_secret_basic), ID token check (RS256, iss, aud, exp,
//!                 nonce), userinfo (its `sub` must be the ID token's); 200 "signed in as <sub>"
//!
//! Environment: FLOOR_ADDR, FLOOR_ISSUER, FLOOR_CLIENT_ID, FLOOR_CLIENT_SECRET, FLOOR_SCOPES.
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

struct Floor {
    http: reqwest::Client,
    authorization_endpoint: url::Url,
    token_endpoint: String,
    userinfo_endpoint: String,
    redirect_uri: String,
    client_id: String,
    basic: String,
    scopes: String,
    keys: Vec<(Option<String>, DecodingKey)>,
    validation: Validation,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn form(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn random() -> String {
    // 32 bytes: 43 characters, the least RFC 7636 allows for a PKCE verifier.
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn refuse(why: impl std::fmt::Display) -> Response {
    (StatusCode::BAD_REQUEST, format!("refused: {why}")).into_response()
}

/// A provider's JSON object answer, or the refusal that says what went wrong.
async fn json_object(
    answer: reqwest::Result<reqwest::Response>,
) -> Result<Map<String, Value>, Response> {
    match answer {
        Ok(r) if r.status().is_success() => r.json().await.map_err(refuse),
        Ok(r) => Err(refuse(format!(
            "{} {}",
            r.status(),
            r.text().await.unwrap_or_default()
        ))),
        Err(e) => Err(refuse(e)),
    }
}

async fn start(State(floor): State<Arc<Floor>>) -> Response {
    let (state, nonce, verifier) = (random(), random(), random());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = floor.authorization_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &floor.client_id)
        .append_pair("redirect_uri", &floor.redirect_uri)
        .append_pair("scope", &floor.scopes)
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let cookie = format!("floor={state}.{nonce}.{verifier}; Path=/; HttpOnly; SameSite=Lax");
    ([(header::SET_COOKIE, cookie)], url.to_string()).into_response()
}

async fn callback(
    State(floor): State<Arc<Floor>>,
    Query(query): Query<Map<String, Value>>,
    headers: HeaderMap,
) -> Response {
    let param = |k: &str| query.get(k).and_then(Value::as_str).unwrap_or_default();
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("floor="))
        .unwrap_or_default();
    let mut parts = cookie.split('.');
    let (Some(state), Some(nonce), Some(verifier)) = (parts.next(), parts.next(), parts.next())
    else {
        return refuse("no flow cookie");
    };
    if state != param("state") {
        return refuse("state");
    }
    let form = [
        ("grant_type", "authorization_code"),
        ("code", param("code")),
        ("redirect_uri", &floor.redirect_uri),
        ("code_verifier", verifier),
    ];
    let token = floor
        .http
        .post(&floor.token_endpoint)
        .header(header::AUTHORIZATION, &floor.basic)
        .header(header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await;
    let tokens = match json_object(token).await {
        Ok(t) => t,
        Err(refused) => return refused,
    };
    let text = |k: &str| tokens.get(k).and_then(Value::as_str).unwrap_or_default();
    let Ok(header) = jsonwebtoken::decode_header(text("id_token")) else {
        return refuse("id_token header");
    };
    let Some((_, key)) = floor.keys.iter().find(|(kid, _)| *kid == header.kid) else {
        return refuse("unknown key");
    };
    let claims = match jsonwebtoken::decode::<Map<String, Value>>(
        text("id_token"),
        key,
        &floor.validation,
    ) {
        Ok(data) => data.claims,
        Err(e) => return refuse(e),
    };
    if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
        return refuse("nonce");
    }
    let info = floor
        .http
        .get(&floor.userinfo_endpoint)
        .bearer_auth(text("access_token"))
        .header(header::ACCEPT, "application/json")
        .send()
        .await;
    let user = match json_object(info).await {
        Ok(u) => u,
        Err(refused) => return refused,
    };
    if user.get("sub") != claims.get("sub") {
        return refuse("userinfo sub");
    }
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("signed in as {sub}").into_response()
}

#[tokio::main]
async fn main() {
    let issuer = env("FLOOR_ISSUER");
    let client_id = env("FLOOR_CLIENT_ID");
    let addr = env("FLOOR_ADDR");
    let http = reqwest::Client::new();
    let discovery: Map<String, Value> = http
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("discovery")
        .json()
        .await
        .expect("discovery JSON");
    let endpoint = |k: &str| discovery[k].as_str().expect("endpoint").to_owned();
    let jwks: JwkSet = http
        .get(endpoint("jwks_uri"))
        .send()
        .await
        .expect("JWKS")
        .json()
        .await
        .expect("JWKS JSON");
    let keys = jwks
        .keys
        .iter()
        .filter_map(|k| Some((k.common.key_id.clone(), DecodingKey::from_jwk(k).ok()?)))
        .collect();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&issuer]);
    validation.set_audience(&[&client_id]);
    let floor = Floor {
        authorization_endpoint: url::Url::parse(&endpoint("authorization_endpoint"))
            .expect("authorization endpoint URL"),
        token_endpoint: endpoint("token_endpoint"),
        userinfo_endpoint: endpoint("userinfo_endpoint"),
        redirect_uri: format!("http://{addr}/cb"),
        // RFC 6749 §2.3.1: both are form-encoded before they are joined.
        basic: format!(
            "Basic {}",
            STANDARD.encode(format!(
                "{}:{}",
                form(&client_id),
                form(&env("FLOOR_CLIENT_SECRET"))
            ))
        ),
        client_id,
        scopes: env("FLOOR_SCOPES"),
        keys,
        validation,
        http,
    };
    let app = Router::new()
        .route("/", get(|| async { "floor-server" }))
        .route("/start", post(start))
        .route("/cb", get(callback))
        .with_state(Arc::new(floor));
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("listen");
    axum::serve(listener, app).await.expect("serve");
}
