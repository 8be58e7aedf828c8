//! Components: who is signed in ([`SignedIn`], [`SignedOut`]) and the buttons
//! ([`LoginButton`], [`LoginButtons`], [`LogoutButton`], [`ProviderMark`]). They render plain,
//! unstyled HTML with `porte-…` classes for your stylesheet, and need
//! [`Auth::provide`](crate::Auth::provide) in an enclosing component.

mod buttons;
mod marks;
mod signed_in;

pub use buttons::{LoginButton, LoginButtons, LogoutButton};
pub use marks::ProviderMark;
pub use signed_in::{SignedIn, SignedOut};
