//! Derive macros for rtux.
//!
//! This crate is re-exported by `rtux` behind its default `derive` feature, the way
//! `serde` re-exports `serde_derive`; depend on `rtux`, not on this crate.
//!
//! It exports no derive yet: the resource derives are tracked in issue 6 and land
//! here with their parsing (ast / attributes / validation) kept apart from code
//! generation.
