//! End-to-end tests: a real rtux server on loopback, real WebSocket clients.

mod accounts;
mod actions;
mod bad_input;
mod bounds;
mod channels;
mod conflicts;
mod dashboard;
mod derive;
mod drafts;
mod example_bounds;
mod example_chat;
mod hostile;
mod http;
mod interop;
mod presence;
mod references;
mod reliability;
mod store;
mod telemetry;
mod toolkit;
