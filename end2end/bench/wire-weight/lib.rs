//! Each exported function reads one of Porte's wire types from bytes and writes it back, so the
//! type's deserializer and serializer are in the wasm; `app` does the same for a small struct of
//! the app's own, through serde_json, in every build (a Leptos app with a server function
//! already has serde_json's parser, as `no-porte` shows). The build without a format feature is
//! that baseline alone.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What the app itself reads and writes as JSON.
#[derive(Serialize, Deserialize)]
pub struct AppData {
    pub name: String,
    pub count: u64,
    pub done: bool,
    pub note: Option<String>,
    pub tags: Vec<String>,
}

#[wasm_bindgen]
pub fn app(bytes: &[u8]) -> Vec<u8> {
    serde_json::from_slice::<AppData>(bytes)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .unwrap_or_default()
}

// The format under test: postcard, or serde_json (also the `json` build).
#[cfg(feature = "postcard")]
use postcard::{from_bytes, to_allocvec as to_bytes};
#[cfg(all(feature = "json", not(feature = "postcard")))]
use serde_json::{from_slice as from_bytes, to_vec as to_bytes};

#[cfg(any(feature = "json", feature = "postcard"))]
fn round_trip<T: Serialize + for<'a> Deserialize<'a>>(bytes: &[u8]) -> Vec<u8> {
    from_bytes::<T>(bytes)
        .ok()
        .and_then(|v| to_bytes(&v).ok())
        .unwrap_or_default()
}

/// The types the browser half receives from the server, keeps in storage or passes between
/// tabs. Porte's crate-private ones are copied field for field (`LoginStart`, `Completion`) or
/// left out (the tab message and the logout answer, which wrap the others).
#[cfg(any(feature = "json", feature = "postcard"))]
mod porte_types {
    use super::round_trip;
    use serde::{Deserialize, Serialize};
    use wasm_bindgen::prelude::*;

    #[derive(Serialize, Deserialize)]
    struct LoginStart {
        authorization_url: String,
        state: String,
        #[serde(default)]
        in_system_browser: bool,
    }

    #[derive(Serialize, Deserialize)]
    struct Completion {
        state: Option<String>,
        outcome: Result<porte::Authorization, porte::Error>,
    }

    #[wasm_bindgen]
    pub fn authorization(b: &[u8]) -> Vec<u8> {
        round_trip::<(porte::Authorization, bool)>(b)
    }
    #[wasm_bindgen]
    pub fn authorizations(b: &[u8]) -> Vec<u8> {
        round_trip::<Vec<(porte::Authorization, bool)>>(b)
    }
    #[wasm_bindgen]
    pub fn providers(b: &[u8]) -> Vec<u8> {
        round_trip::<Result<porte::Providers, porte::Error>>(b)
    }
    #[wasm_bindgen]
    pub fn login_start(b: &[u8]) -> Vec<u8> {
        round_trip::<Result<LoginStart, porte::Error>>(b)
    }
    #[wasm_bindgen]
    pub fn completion(b: &[u8]) -> Vec<u8> {
        round_trip::<Option<Completion>>(b)
    }
    #[wasm_bindgen]
    pub fn error(b: &[u8]) -> Vec<u8> {
        round_trip::<(porte::ProviderId, Option<porte::Error>)>(b)
    }
}
