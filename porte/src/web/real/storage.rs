//! What the browser keeps across reloads (`localStorage`, `sessionStorage`): the session tokens
//! (local storage for "remember me", the tab's session storage otherwise, so a reload keeps the
//! sign-in) and the receipts of logouts the server could not record yet. Both are JSON: an
//! object of provider id → sealed token, and an array of receipts.

use crate::shared::wire::parse_json;
use crate::{ProviderId, SealedToken};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use web_sys::Storage;

/// Storage key of the session tokens (provider id → sealed token).
const STORE_KEY: &str = "porte.sessions";
/// Local-storage key of the receipts of logouts the server could not record yet.
const LOGOUTS_KEY: &str = "porte.logouts";

/// Provider id → sealed token, in the order stored (a JSON object; a handful of entries, so a
/// list instead of a map type: less wasm).
#[derive(Default)]
struct Stored(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Stored {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Stored;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Stored, A::Error> {
                let mut all = Vec::new();
                while let Some(entry) = m.next_entry::<String, String>()? {
                    all.retain(|(p, _): &(String, String)| *p != entry.0);
                    all.push(entry);
                }
                Ok(Stored(all))
            }
        }
        d.deserialize_map(Visit)
    }
}

impl Serialize for Stored {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(p, t)| (p, t)))
    }
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn this_tab() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The JSON value under `key` (nothing when absent or not that type).
fn get<T: serde::de::DeserializeOwned + Default>(storage: &Option<Storage>, key: &str) -> T {
    storage
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
        .and_then(|text| parse_json(text.as_bytes()))
        .unwrap_or_default()
}

fn set(storage: &Option<Storage>, key: &str, value: &impl Serialize) {
    if let (Some(s), Ok(text)) = (storage, serde_json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

/// The stored session tokens, and whether each is remembered (local storage) rather than kept
/// for this tab only (session storage); a remembered one wins over this tab's.
pub(crate) fn stored_sessions() -> Vec<(ProviderId, SealedToken, bool)> {
    let Stored(remembered) = get(&local(), STORE_KEY);
    let Stored(tab) = get(&this_tab(), STORE_KEY);
    let mut all: Vec<(ProviderId, SealedToken, bool)> = Vec::new();
    for (id, token, remember) in tab
        .into_iter()
        .map(|(p, t)| (p, t, false))
        .chain(remembered.into_iter().map(|(p, t)| (p, t, true)))
    {
        let Ok(id) = ProviderId::parse(&id) else {
            continue;
        };
        all.retain(|(p, _, _)| *p != id);
        all.push((id, SealedToken::new(token), remember));
    }
    all
}

/// Keeps (or replaces) a provider's session token: in local storage when `remember`, else in
/// this tab's session storage.
pub(crate) fn store_session(provider: &ProviderId, sealed: &SealedToken, remember: bool) {
    let (keep, drop) = if remember {
        (local(), this_tab())
    } else {
        (this_tab(), local())
    };
    let Stored(mut all) = get(&keep, STORE_KEY);
    all.retain(|(p, _)| p != provider.as_str());
    all.push((provider.to_string(), sealed.as_str().to_owned()));
    set(&keep, STORE_KEY, &Stored(all));
    take(&drop, provider);
}

/// Forgets a provider's session token, wherever it was kept.
pub(crate) fn forget_session(provider: &ProviderId) {
    take(&local(), provider);
    take(&this_tab(), provider);
}

fn take(storage: &Option<Storage>, provider: &ProviderId) {
    let Stored(mut all) = get(storage, STORE_KEY);
    let before = all.len();
    all.retain(|(p, _)| p != provider.as_str());
    if all.len() != before {
        set(storage, STORE_KEY, &Stored(all));
    }
}

/// The receipts of logouts whose end the server could not record yet (kept across reloads, so
/// the next visit tries again).
pub(crate) fn pending_logouts() -> Vec<SealedToken> {
    let all: Vec<String> = get(&local(), LOGOUTS_KEY);
    all.into_iter().map(SealedToken::new).collect()
}

/// Keeps a receipt (`keep`) or drops it once the logout is recorded.
pub(crate) fn note_logout(receipt: &SealedToken, keep: bool) {
    let storage = local();
    let mut all: Vec<String> = get(&storage, LOGOUTS_KEY);
    all.retain(|r| r != receipt.as_str());
    if keep {
        all.push(receipt.as_str().to_owned());
    }
    set(&storage, LOGOUTS_KEY, &all);
}
