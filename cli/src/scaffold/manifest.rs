//! Edits of the app's Cargo.toml through `toml_edit`: what the user wrote
//! (comments, order, formatting) stays as it was.

use toml_edit::DocumentMut;

/// `manifest` with each dependency (`name`, and its `name = …` line) added to
/// `[dependencies]`, unless the app already depends on it.
///
/// # Errors
/// Cargo.toml does not parse or has no `[dependencies]` table.
pub(crate) fn with_dependencies(manifest: &str, wanted: &[(&str, &str)]) -> Result<String, String> {
    let mut doc: DocumentMut = manifest
        .parse()
        .map_err(|e| format!("Cargo.toml does not parse: {e}; fix it and run rtux gen again"))?;
    let table = doc
        .get_mut("dependencies")
        .and_then(|d| d.as_table_like_mut())
        .ok_or("Cargo.toml has no [dependencies] table: add one and run rtux gen again")?;
    for (name, line) in wanted {
        if table.contains_key(name) {
            continue;
        }
        let one: DocumentMut = line
            .parse()
            .map_err(|e| format!("dependency line {line:?}: {e} (a bug in rtux)"))?;
        let item = one.get(name).cloned().ok_or_else(|| {
            format!("dependency line {line:?} does not name {name} (a bug in rtux)")
        })?;
        table.insert(name, item);
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_what_is_missing_and_keeps_the_rest_as_written() {
        let manifest = "[package]\nname = \"app\" # mine\n\n[dependencies]\n# the web\naxum = \"0.8\"\nchrono = \"0.4\"\n\n[dev-dependencies]\ninsta = \"1\"\n";
        let wanted = [
            (
                "chrono",
                "chrono = { version = \"0.4\", features = [\"serde\"] }",
            ),
            ("uuid", "uuid = { version = \"1\", features = [\"serde\"] }"),
        ];
        let edited = with_dependencies(manifest, &wanted).expect("edits");
        assert!(edited.contains("name = \"app\" # mine\n"), "{edited}");
        assert!(
            edited.contains("# the web\naxum = \"0.8\"\nchrono = \"0.4\"\n"),
            "kept: {edited}"
        );
        assert!(
            edited.contains("uuid = { version = \"1\", features = [\"serde\"] }\n"),
            "{edited}"
        );
        assert!(
            edited.find("uuid").expect("uuid") < edited.find("[dev-dependencies]").expect("dev")
        );
        assert!(
            with_dependencies("[package]\n", &wanted).is_err_and(|e| e.contains("[dependencies]"))
        );
        assert!(
            with_dependencies("[dependencies\n", &wanted)
                .is_err_and(|e| e.contains("does not parse"))
        );
    }
}
