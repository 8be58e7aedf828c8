//! `Cache-Control` for static files. The build names the script, wasm and stylesheet after their
//! content (`/pkg/porte.<hash>.wasm`), so a browser may keep them for a year without asking
//! again; anything else static is revalidated (ETag / Last-Modified from `ServeDir`).

use axum::http::{header, HeaderValue};
use axum::response::Response;

const FOREVER: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Marks a successful static response with `policy` (from [`policy_for`] its path), unless it
/// set its own.
pub fn mark(policy: Option<&'static str>, response: &mut Response) {
    if let Some(policy) = policy {
        if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL)
        {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
}

/// The policy for a path, `None` for pages and endpoints (they set their own).
pub fn policy_for(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("/pkg/") {
        return Some(if is_hashed(name) { FOREVER } else { REVALIDATE });
    }
    let is_file = name.contains('.') && !path.starts_with("/api/");
    is_file.then_some(REVALIDATE)
}

/// `porte.<22-character base64url MD5>.wasm` as cargo-leptos's `hash-files` writes it.
fn is_hashed(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1].len() >= 16
        && parts[1]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_builds_are_immutable_and_the_rest_revalidates() {
        let wasm = "/pkg/porte.PmGqbzQeTS1zyM1kEmYx6w.wasm";
        assert_eq!(policy_for(wasm), Some(FOREVER));
        assert_eq!(
            policy_for("/pkg/porte.PmGqbzQeTS1zyM1kEmYx6w.wasm.br"),
            Some(FOREVER)
        );
        // `cargo leptos --split`: the lazy parts' files and their loader.
        for split in [
            "/pkg/split_admin_page_8003658323294800727.cMXz_ihRQwq2L0lR1kR1FA.wasm",
            "/pkg/chunk_4.nPWArf5EdcpzrjC-MNR0nA.wasm",
            "/pkg/__wasm_split.owm_JQn8O8ISo4vjT8TTmw.js",
        ] {
            assert_eq!(policy_for(split), Some(FOREVER), "{split}");
        }
        assert_eq!(policy_for("/pkg/porte.wasm"), Some(REVALIDATE));
        assert_eq!(policy_for("/porte-complete.js"), Some(REVALIDATE));
        assert_eq!(policy_for("/"), None);
        assert_eq!(policy_for("/welcome"), None);
        assert_eq!(policy_for("/api/start_login"), None);
    }
}
