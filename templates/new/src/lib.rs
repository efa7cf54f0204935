//! << title >>: a real-time app on rtux.

mod app;
mod config;
pub mod notes;
pub mod viewer;
pub mod views;
// rtux:modules (rtux gen adds modules above this line)

pub use app::{Error, build, router, run};
pub use config::Config;
