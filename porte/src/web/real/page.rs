//! What this tab keeps across a navigation of its own (session storage): a notice to show when
//! it comes back, a same-tab login's "remember me" and result; and where the tab is.

use crate::shared::compact;
use crate::Completion;

/// Key under which the completion page leaves a same-tab result in `sessionStorage`.
const RETURNED_KEY: &str = "porte-completion";
/// Key of a notice to show when the tab comes back (e.g. why the login used this tab).
const NOTICE_KEY: &str = "porte-notice";
/// Key under which a same-tab login keeps its "remember me" choice while the tab is away.
const REMEMBER_KEY: &str = "porte-remember";

/// Keeps `text` for the page this tab returns to.
pub(crate) fn leave_notice(text: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.session_storage()) {
        let _ = storage.set_item(NOTICE_KEY, text);
    }
}

/// The notice left before this tab went away, removed as it is read.
pub(crate) fn take_notice() -> Option<String> {
    let storage = web_sys::window()?.session_storage().ok().flatten()?;
    let text = storage.get_item(NOTICE_KEY).ok().flatten()?;
    let _ = storage.remove_item(NOTICE_KEY);
    Some(text)
}

/// Sends this tab to `url` (same-tab login, provider logout), keeping `remember` for the return.
pub(crate) fn navigate_here(url: &str, remember: bool) {
    let Some(w) = web_sys::window() else { return };
    if let Ok(Some(storage)) = w.session_storage() {
        let _ = storage.set_item(REMEMBER_KEY, if remember { "1" } else { "0" });
    }
    let _ = w.location().assign(url);
}

/// The result a same-tab login left for this tab (and its "remember me"), removed as read.
pub(crate) fn take_returned_completion() -> Option<(Completion, bool)> {
    let storage = web_sys::window()?.session_storage().ok().flatten()?;
    let text = storage.get_item(RETURNED_KEY).ok().flatten()?;
    let remember = storage.get_item(REMEMBER_KEY).ok().flatten().as_deref() == Some("1");
    let _ = storage.remove_item(RETURNED_KEY);
    let _ = storage.remove_item(REMEMBER_KEY);
    Some((compact::from_text(&text)?, remember))
}

/// This page's path, query and fragment.
pub(crate) fn current_path() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}{}",
        location.pathname().ok()?,
        location.search().ok()?,
        location.hash().ok()?
    ))
}
