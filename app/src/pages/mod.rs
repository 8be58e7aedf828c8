//! Pages (routes).

mod home;
mod welcome;

pub use home::HomePage;
pub use welcome::WelcomePage;
