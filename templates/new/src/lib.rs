//! << title >>: a real-time app on rtux.

mod app;
mod config;
mod error;
pub mod notes;
pub mod identity;
pub mod viewer;
pub mod views;
// rtux:modules (rtux gen adds modules above this line)

pub use app::{build, router, run};
pub use config::Config;
pub use error::Error;
