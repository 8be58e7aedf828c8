//! UI components.

mod login;
mod marks;
mod repos;
mod signed_in;

pub use login::{ErrorBanner, LoginPanel};
pub use repos::{list_repositories, Repo, Repositories};
pub use signed_in::SignedInList;
