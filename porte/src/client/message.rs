//! What tabs tell each other on the tabs' channel ([`SyncMessage`], in the compact wire), and
//! posting it.

use crate::shared::compact;
use crate::web::channel;
use crate::{Authorization, Error, ProviderId};
use serde::{Deserialize, Serialize};

/// One session as tabs share it (a pair: `(authorization, remember)`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "(Authorization, bool)", into = "(Authorization, bool)")]
pub(crate) struct Shared {
    pub(crate) authorization: Authorization,
    pub(crate) remember: bool,
}

impl From<(Authorization, bool)> for Shared {
    fn from((authorization, remember): (Authorization, bool)) -> Self {
        Self {
            authorization,
            remember,
        }
    }
}

impl From<Shared> for (Authorization, bool) {
    fn from(s: Shared) -> Self {
        (s.authorization, s.remember)
    }
}

/// What tabs tell each other.
///
/// Externally tagged (serde's default): an internally tagged enum buffers the whole message and
/// compiles a second deserializer for every type inside it, ≈ 20 KB of wasm for nothing. Newtype
/// and tuple variants rather than struct variants, and [`Shared`] as a pair: no field names to
/// match, so less wasm again.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SyncMessage {
    /// A new tab asks for the sessions of the others.
    Hello,
    /// The answer to `Hello`: the sender's sessions.
    Sessions(Vec<Shared>),
    /// A login completed in the sending tab.
    Login(Shared),
    /// The leader refreshed a token.
    Refreshed(Shared),
    /// A session ended in the sending tab (and why, when it ended by itself).
    Logout(ProviderId, Option<Error>),
    /// A tab that is not the leader needs a fresh token for this provider now.
    RefreshRequest(ProviderId),
}

/// Tells every other tab.
pub(crate) fn post(message: &SyncMessage) {
    channel::post(&compact::to_bytes(message));
}
