//! A Redis URL as it may be shown: in `Debug` output and error messages, never its credentials.

use percent_encoding::percent_decode_str;
use url::Url;

/// What of a Redis URL may be shown, and what must be scrubbed from any text shown.
pub(super) struct RedactedUrl {
    /// Scheme, host, port and path; credentials and query as `***`.
    shown: String,
    /// The URL and every part of it that may be secret, raw and percent-decoded, longest first.
    secrets: Vec<String>,
}

impl RedactedUrl {
    /// `input`, parsed as `url`.
    pub(super) fn new(input: &str, url: &Url) -> Self {
        Self {
            shown: shown(url),
            secrets: secrets(input, url),
        }
    }

    /// The URL without credentials or query.
    pub(super) fn shown(&self) -> &str {
        &self.shown
    }

    /// `text` with every secret replaced by `***`.
    pub(super) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "***");
        }
        text
    }
}

fn shown(url: &Url) -> String {
    let mut shown = format!("{}://", url.scheme());
    if !url.username().is_empty() || url.password().is_some() {
        shown.push_str("***@");
    }
    shown.push_str(url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    if url.query().is_some() {
        shown.push_str("?***");
    }
    shown
}

fn secrets(input: &str, url: &Url) -> Vec<String> {
    let mut raw = vec![
        input.to_owned(),
        url.as_str().to_owned(),
        url.username().to_owned(),
    ];
    raw.extend(url.password().map(str::to_owned));
    raw.extend(url.query().map(str::to_owned));
    let mut all: Vec<String> = raw
        .iter()
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    all.extend(raw);
    // Unix-socket URLs carry credentials in the query (`?user=…&pass=…`).
    all.extend(
        url.query_pairs()
            .filter(|(name, _)| matches!(name.as_ref(), "user" | "pass" | "password"))
            .map(|(_, value)| value.into_owned()),
    );
    all.retain(|s| !s.is_empty());
    all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocation_redis_url_is_shown_without_secrets() {
        for (input, shown, secret) in [
            (
                "redis://:hunter2@127.0.0.1:6390/0",
                "redis://***@127.0.0.1:6390/0",
                "hunter2",
            ),
            (
                "redis://porte:p%40ss@cache.internal/",
                "redis://***@cache.internal/",
                "p@ss",
            ),
            ("redis://[::1]:7000", "redis://[::1]:7000", ""),
            (
                "unix:///run/redis.sock?db=1&pass=s3cret",
                "unix:///run/redis.sock?***",
                "s3cret",
            ),
        ] {
            let url = Url::parse(input).unwrap();
            let redacted = RedactedUrl::new(input, &url);
            assert_eq!(redacted.shown(), shown, "{input}");
            if !secret.is_empty() {
                let text = format!("failed: {input} ({secret})");
                assert_eq!(redacted.scrub(&text), "failed: *** (***)", "{input}");
            }
        }
    }
}
