//! Components: who is signed in ([`SignedIn`], [`SignedOut`]) and the buttons
//! ([`LoginButton`], [`LoginButtons`], [`LogoutButton`], [`ProviderMark`]) and why a sign-in
//! failed or a session ended ([`LoginError`]). They render plain,
//! unstyled HTML with `porte-…` classes for your stylesheet, and need
//! [`Auth::provide`](crate::Auth::provide) in an enclosing component.

mod buttons;
mod login_error;
mod marks;
mod signed_in;

pub use buttons::{LoginButton, LoginButtons, LogoutButton};
pub use login_error::LoginError;
pub use marks::ProviderMark;
pub use signed_in::{SignedIn, SignedOut};
