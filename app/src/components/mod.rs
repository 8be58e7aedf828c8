//! The demo's components.

mod login;
mod repos;
mod server_says;
mod signed_in;

pub use login::LoginPanel;
pub use repos::{list_repositories, Repo, Repositories};
pub use server_says::{admin_report, whoami, ServerSays, WhoAmI};
pub use signed_in::SignedInList;
