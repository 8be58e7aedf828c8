//! The browser's own objects, as Porte uses them (feature `hydrate`).

pub(crate) mod channel;
pub(crate) mod fetch;
pub(crate) mod leader;
pub(crate) mod login_window;
pub(crate) mod page;
pub(crate) mod popup_watch;
pub(crate) mod storage;
pub(crate) mod timers;
