//! Where a same-tab login lands afterwards: only a path on this origin. Anything that a browser
//! could read as another origin (`//evil.example`, `/\evil.example`, `https://evil.example`, the
//! same percent-encoded, control characters) is refused.

use percent_encoding::percent_decode_str;
use url::Url;

/// Longest accepted return path.
pub const MAX_RETURN_PATH: usize = 1024;

/// The normalised same-origin path, or `None`.
pub fn safe_return_path(raw: &str) -> Option<String> {
    if raw.len() > MAX_RETURN_PATH || !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    for text in [raw, decoded.as_ref()] {
        if text.starts_with("//")
            || text.contains('\\')
            || text.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return None;
        }
    }
    let base = Url::parse("http://porte.invalid/").expect("a valid base URL");
    let joined = base.join(raw).ok()?;
    if joined.origin() != base.origin() {
        return None;
    }
    let mut path = joined.path().to_owned();
    if let Some(q) = joined.query() {
        path.push('?');
        path.push_str(q);
    }
    if let Some(f) = joined.fragment() {
        path.push('#');
        path.push_str(f);
    }
    // Dot segments can leave `//` in front once resolved (`/..//evil.example`): the result
    // must pass the same checks.
    let decoded = percent_decode_str(&path).decode_utf8().ok()?;
    if path.starts_with("//") || decoded.starts_with("//") {
        return None;
    }
    Some(path)
}

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn only_same_origin_paths_are_kept_as_return_paths() {
        use crate::server::login::return_path::safe_return_path;
        assert_eq!(
            safe_return_path("/welcome?x=1#top").as_deref(),
            Some("/welcome?x=1#top")
        );
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/%2F%2Fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "javascript:alert(1)",
            "/a\tb",
            "",
            "/..//evil.example",
        ] {
            assert_eq!(safe_return_path(evil), None, "{evil}");
        }
    }
}
