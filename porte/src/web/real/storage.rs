//! What the browser keeps across reloads (`localStorage`, `sessionStorage`): the session tokens
//! (local storage for "remember me", the tab's session storage otherwise, so a reload keeps the
//! sign-in) and the receipts of logouts the server could not record yet. Both are plain text,
//! read without a JSON parser: the sessions as the `x-porte-session` header carries them
//! (`github=p1…, local=p1…`), the receipts as a list (`p1…, p1…`). Sealed tokens are URL-safe
//! base64 and dots, so neither `,` nor `=` occurs in them.

use crate::shared::wire;
use crate::{ProviderId, SealedToken};
use web_sys::Storage;

/// Storage key of the session tokens (provider id → sealed token).
const STORE_KEY: &str = "porte.sessions";
/// Local-storage key of the receipts of logouts the server could not record yet.
const LOGOUTS_KEY: &str = "porte.logouts";

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn this_tab() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The text under `key` (empty when absent).
fn get(storage: &Option<Storage>, key: &str) -> String {
    storage
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
        .unwrap_or_default()
}

fn set(storage: &Option<Storage>, key: &str, text: &str) {
    if let Some(s) = storage {
        let _ = s.set_item(key, text);
    }
}

/// Provider id → sealed token, in the order stored; a later entry for a provider wins. Text
/// that is not an entry (a value from an older Porte, which kept JSON here) is skipped.
fn sessions_in(storage: &Option<Storage>) -> Vec<(ProviderId, SealedToken)> {
    let mut all: Vec<(ProviderId, SealedToken)> = Vec::new();
    for (id, token) in wire::parse(&get(storage, STORE_KEY)) {
        all.retain(|(p, _)| *p != id);
        all.push((id, token));
    }
    all
}

fn keep_sessions(storage: &Option<Storage>, all: &[(ProviderId, SealedToken)]) {
    set(
        storage,
        STORE_KEY,
        &wire::format(all.iter().map(|(p, t)| (p, t))),
    );
}

/// The stored session tokens, and whether each is remembered (local storage) rather than kept
/// for this tab only (session storage); a remembered one wins over this tab's.
pub(crate) fn stored_sessions() -> Vec<(ProviderId, SealedToken, bool)> {
    let mut all: Vec<(ProviderId, SealedToken, bool)> = Vec::new();
    for (id, token, remember) in sessions_in(&this_tab())
        .into_iter()
        .map(|(p, t)| (p, t, false))
        .chain(sessions_in(&local()).into_iter().map(|(p, t)| (p, t, true)))
    {
        all.retain(|(p, _, _)| *p != id);
        all.push((id, token, remember));
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
    let mut all = sessions_in(&keep);
    all.retain(|(p, _)| p != provider);
    all.push((provider.clone(), sealed.clone()));
    keep_sessions(&keep, &all);
    take(&drop, provider);
}

/// Forgets a provider's session token, wherever it was kept.
pub(crate) fn forget_session(provider: &ProviderId) {
    take(&local(), provider);
    take(&this_tab(), provider);
}

fn take(storage: &Option<Storage>, provider: &ProviderId) {
    let mut all = sessions_in(storage);
    let before = all.len();
    all.retain(|(p, _)| p != provider);
    if all.len() != before {
        keep_sessions(storage, &all);
    }
}

/// The receipts in local storage.
fn receipts(storage: &Option<Storage>) -> Vec<String> {
    get(storage, LOGOUTS_KEY)
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The receipts of logouts whose end the server could not record yet (kept across reloads, so
/// the next visit tries again).
pub(crate) fn pending_logouts() -> Vec<SealedToken> {
    receipts(&local())
        .into_iter()
        .map(SealedToken::new)
        .collect()
}

/// Keeps a receipt (`keep`) or drops it once the logout is recorded.
pub(crate) fn note_logout(receipt: &SealedToken, keep: bool) {
    let storage = local();
    let mut all = receipts(&storage);
    all.retain(|r| r != receipt.as_str());
    if keep {
        all.push(receipt.as_str().to_owned());
    }
    set(&storage, LOGOUTS_KEY, &all.join(", "));
}
