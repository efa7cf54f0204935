//! Why a plan can't be made or written; each message says what to do.

use std::io;
use std::path::PathBuf;

/// Why `rtux new` or `rtux gen` can't plan or write its files.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScaffoldError {
    #[error("{0} exists: remove or rename it, then run again (nothing was overwritten)")]
    Exists(PathBuf),
    #[error("cannot create {path}: {source}")]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("these files exist already, so nothing was written: {list}", list = .0.join(", "))]
    Taken(Vec<String>),
    #[error(
        "cannot read {path} ({source}): run `rtux gen` at the root of an app made by `rtux new`"
    )]
    Read { path: String, source: io::Error },
    #[error("cannot read {path}: {source}")]
    ReadViews { path: PathBuf, source: io::Error },
    #[error("template {path} failed: {source:#} (a bug in rtux: please report it)")]
    Template {
        path: String,
        source: minijinja::Error,
    },
    #[error("view {name} does not parse: {source:#} (a bug in rtux)")]
    ViewParse {
        name: String,
        source: minijinja::Error,
    },
    #[error("view {view} failed on its fixture: {source:#} (a bug in rtux)")]
    ViewRender {
        view: String,
        source: minijinja::Error,
    },
    #[error("snapshot {name}: {source}")]
    Snapshot {
        name: &'static str,
        source: serde_json::Error,
    },
    #[error(
        "{file} has no `{marker}` marker, so rtux can't tell where to add `{line}`: put the marker comment back (see a fresh `rtux new` app) or add the line yourself. Nothing was written."
    )]
    NoMarker {
        file: String,
        marker: String,
        line: String,
    },
    #[error("Cargo.toml does not parse: {source}; fix it and run rtux gen again")]
    ManifestParse { source: toml_edit::TomlError },
    #[error("Cargo.toml has no [{table}] table: add one and run rtux gen again")]
    NoTable { table: String },
    #[error("dependency line {line:?}: {source} (a bug in rtux)")]
    DependencyLine {
        line: String,
        source: toml_edit::TomlError,
    },
    #[error("dependency line {line:?} does not name {name} (a bug in rtux)")]
    DependencyName { line: String, name: String },
    #[error(
        "[{table}] rtux is neither a version nor a table: make it `rtux = {{ version = \"…\" }}` and run rtux gen again"
    )]
    RtuxSpec { table: &'static str },
    #[error("[{table}] rtux's features are not a list: fix them and run rtux gen again")]
    RtuxFeatures { table: &'static str },
    #[error("Cargo.toml does not depend on rtux: run rtux gen in an app made by `rtux new`")]
    NoRtux,
    #[error("Cargo.toml's `{key}` in [profile] is not a table: fix it and run rtux gen again")]
    Profile { key: &'static str },
    #[error("a resource needs at least one field, like title:string")]
    NoFields,
    #[error("field {0:?} is given twice")]
    Twice(String),
    #[error("--{flag} {name}: there is no field {name:?} (fields: {fields})")]
    NoSuchField {
        flag: &'static str,
        name: String,
        fields: String,
    },
    #[error("--toggle {0}: only a bool field can be toggled")]
    Toggle(String),
    #[error("--increment {0}: only an integer field can be incremented")]
    Increment(String),
    #[error("--clear-on-delete {0}: only a ref field refers to a record that can be deleted")]
    ClearOnDelete(String),
    #[error("a {0} can't refer to another {0} yet: refer to a resource of its own")]
    SelfReference(String),
    #[error(
        "a field refers to {other}, but this app has no {module}: make that resource first (rtux gen resource {other} name:string), or check the name"
    )]
    NoModule { other: String, module: String },
    #[error("{module} has no PAGE_TOPIC: is {other} a resource made by rtux gen resource?")]
    NoPageTopic { other: String, module: String },
    #[error("this app has sign-in already (src/auth.rs): nothing was written")]
    HasAuth,
}
