//! What tabs tell each other on the tabs' channel ([`SyncMessage`], JSON), and posting it.

use crate::web::channel;
use crate::{Authorization, Error, ProviderId};
use serde::{Deserialize, Serialize};

/// One session as tabs share it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Shared {
    pub(crate) authorization: Authorization,
    pub(crate) remember: bool,
}

/// What tabs tell each other.
///
/// Externally tagged (serde's default): an internally tagged enum buffers the whole message and
/// compiles a second deserializer for every type inside it, ≈ 20 KB of wasm for nothing.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SyncMessage {
    /// A new tab asks for the sessions of the others.
    Hello,
    /// The answer to `Hello`.
    Sessions { list: Vec<Shared> },
    /// A login completed in the sending tab.
    Login { session: Shared },
    /// The leader refreshed a token.
    Refreshed { session: Shared },
    /// A session ended in the sending tab (`why` when it ended by itself).
    Logout {
        provider: ProviderId,
        why: Option<Error>,
    },
    /// A tab that is not the leader needs a fresh token now.
    RefreshRequest { provider: ProviderId },
}

/// Tells every other tab.
pub(crate) fn post(message: &SyncMessage) {
    channel::post(&serde_json::to_string(message).unwrap_or_default());
}
