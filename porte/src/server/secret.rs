//! [`Secret`]: a token or protocol value that must never be printed (refresh and ID tokens, the
//! PKCE verifier, the nonce). `Debug` shows `**redacted**`; the value is reached only through
//! [`Secret::expose`], so every use is visible in the code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A secret string, redacted in `Debug` (like oauth2-rs' token types).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one request that needs it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}
