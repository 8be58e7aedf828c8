//! Pages (routes).

mod admin;
mod home;
mod welcome;

pub use admin::AdminPage;
pub use home::HomePage;
pub use welcome::WelcomePage;
