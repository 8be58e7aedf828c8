//! What the browser keeps across reloads (gloo-storage): the session tokens (local storage for
//! "remember me", the tab's session storage otherwise, so a reload keeps the sign-in) and the
//! receipts of logouts the server could not record yet.

use crate::{ProviderId, SealedToken};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use std::collections::BTreeMap;

/// Local-storage key of the remembered session tokens (provider id → sealed token).
const STORE_KEY: &str = "porte.sessions";
/// Local-storage key of the receipts of logouts the server could not record yet.
const LOGOUTS_KEY: &str = "porte.logouts";

type Stored = BTreeMap<String, String>;

/// The stored session tokens, and whether each is remembered (local storage) rather than kept
/// for this tab only (session storage).
pub(crate) fn stored_sessions() -> Vec<(ProviderId, SealedToken, bool)> {
    let remembered = LocalStorage::get::<Stored>(STORE_KEY).unwrap_or_default();
    let this_tab = SessionStorage::get::<Stored>(STORE_KEY).unwrap_or_default();
    let mut all: BTreeMap<String, (String, bool)> =
        this_tab.into_iter().map(|(p, t)| (p, (t, false))).collect();
    all.extend(remembered.into_iter().map(|(p, t)| (p, (t, true))));
    all.into_iter()
        .filter_map(|(id, (t, remember))| {
            Some((ProviderId::parse(&id).ok()?, SealedToken::new(t), remember))
        })
        .collect()
}

/// Keeps (or replaces) a provider's session token: in local storage when `remember`, else in
/// this tab's session storage.
pub(crate) fn store_session(provider: &ProviderId, sealed: &SealedToken, remember: bool) {
    if remember {
        put::<LocalStorage>(provider, sealed);
        take::<SessionStorage>(provider);
    } else {
        put::<SessionStorage>(provider, sealed);
        take::<LocalStorage>(provider);
    }
}

/// Forgets a provider's session token, wherever it was kept.
pub(crate) fn forget_session(provider: &ProviderId) {
    take::<LocalStorage>(provider);
    take::<SessionStorage>(provider);
}

fn put<S: Storage>(provider: &ProviderId, sealed: &SealedToken) {
    let mut all = S::get::<Stored>(STORE_KEY).unwrap_or_default();
    all.insert(provider.to_string(), sealed.as_str().to_owned());
    let _ = S::set(STORE_KEY, all);
}

fn take<S: Storage>(provider: &ProviderId) {
    let mut all = S::get::<Stored>(STORE_KEY).unwrap_or_default();
    if all.remove(provider.as_str()).is_some() {
        let _ = S::set(STORE_KEY, all);
    }
}

/// The receipts of logouts whose end the server could not record yet (kept across reloads, so
/// the next visit tries again).
pub(crate) fn pending_logouts() -> Vec<SealedToken> {
    let all = LocalStorage::get::<Vec<String>>(LOGOUTS_KEY).unwrap_or_default();
    all.into_iter().map(SealedToken::new).collect()
}

/// Keeps a receipt (`keep`) or drops it once the logout is recorded.
pub(crate) fn note_logout(receipt: &SealedToken, keep: bool) {
    let mut all = LocalStorage::get::<Vec<String>>(LOGOUTS_KEY).unwrap_or_default();
    all.retain(|r| r != receipt.as_str());
    if keep {
        all.push(receipt.as_str().to_owned());
    }
    let _ = LocalStorage::set(LOGOUTS_KEY, all);
}
