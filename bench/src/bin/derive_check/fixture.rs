//! The two crates compared: the same 100 structs, with `#[derive(rtux::Model)]`
//! and its attributes, or with serde's derives only.

use std::path::Path;

/// Which of the two crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// serde derives only.
    Serde,
    /// serde derives and `rtux::Model`.
    Derived,
}

impl Flavour {
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Serde => "serde-only",
            Flavour::Derived => "derived",
        }
    }
}

/// One resource struct (`i` keeps names apart) and its handler.
fn resource(i: usize, flavour: Flavour) -> String {
    let rtux = flavour == Flavour::Derived;
    let derive = if rtux { ", rtux::Model" } else { "" };
    let attr = |a: &str| {
        if rtux {
            format!("    #[rtux({a})]\n")
        } else {
            String::new()
        }
    };
    let container = if rtux {
        format!(
            "#[rtux(topic = \"r{i}:*\", action(\n    add(kind = \"insert\"),\n    rename(kind = \"pending\", with = \"R{i}::rename\"),\n    delete(kind = \"delete\", undo_window = \"5s\"),\n    save(kind = \"edit\"),\n))]\n"
        )
    } else {
        String::new()
    };
    format!(
        "#[derive(Clone, serde::Serialize, serde::Deserialize{derive})]\n{container}pub struct R{i} {{\n    pub id: String,\n    pub version: i64,\n{}    pub title: String,\n    pub body: String,\n{}    pub done: bool,\n{}    pub tags: Vec<String>,\n    pub count: i64,\n}}\n\nimpl R{i} {{\n    /// Renames it.\n    pub fn rename(&self, p: Rename) -> Result<Self, rtux::action::Reject> {{\n        Ok(Self {{ title: p.title, ..self.clone() }})\n    }}\n}}\n\n",
        attr("skeleton = \"title\""),
        attr("optimistic = \"toggle\""),
        attr("merge = \"set_union\""),
    )
}

/// The crate's `lib.rs`; `round` changes a comment so each check is a real one.
pub fn lib_rs(count: usize, flavour: Flavour, round: usize) -> String {
    let mut src = format!(
        "//! {count} resources ({}), round {round}.\n#![allow(missing_docs)]\n\n#[derive(serde::Deserialize)]\npub struct Rename {{\n    pub title: String,\n}}\n\n",
        flavour.name()
    );
    for i in 0..count {
        src.push_str(&resource(i, flavour));
    }
    src
}

/// Writes the crate at `dir`, depending on the runtime at `runtime`, with the
/// workspace's lock file so no version is resolved anew.
pub fn write_crate(
    dir: &Path,
    runtime: &Path,
    lock: &Path,
    flavour: Flavour,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"bench-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nrtux = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n[workspace]\n",
        flavour.name(),
        runtime.display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::copy(lock, dir.join("Cargo.lock"))?;
    Ok(())
}
