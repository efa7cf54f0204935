//! Edits of the app's Cargo.toml through `toml_edit`: what the user wrote
//! (comments, order, formatting) stays as it was.

use toml_edit::DocumentMut;

use toml_edit::{Array, InlineTable, Item, Value, value};

use super::ScaffoldError;

fn parse(manifest: &str) -> Result<DocumentMut, ScaffoldError> {
    manifest
        .parse()
        .map_err(|source| ScaffoldError::ManifestParse { source })
}

/// `manifest` with each dependency (`name`, and its `name = …` line) added to
/// `[<table>]` (`dependencies` or `dev-dependencies`), unless the app already
/// depends on it there.
///
/// # Errors
/// Cargo.toml does not parse or has no such table.
pub(crate) fn with_dependencies(
    manifest: &str,
    table: &str,
    wanted: &[(&str, &str)],
) -> Result<String, ScaffoldError> {
    let mut doc = parse(manifest)?;
    let table_name = table;
    let table = doc
        .get_mut(table_name)
        .and_then(|d| d.as_table_like_mut())
        .ok_or_else(|| ScaffoldError::NoTable {
            table: table_name.to_owned(),
        })?;
    for (name, line) in wanted {
        if table.contains_key(name) {
            continue;
        }
        let one: DocumentMut = line
            .parse()
            .map_err(|source| ScaffoldError::DependencyLine {
                line: (*line).to_owned(),
                source,
            })?;
        let item = one
            .get(name)
            .cloned()
            .ok_or_else(|| ScaffoldError::DependencyName {
                line: (*line).to_owned(),
                name: (*name).to_owned(),
            })?;
        table.insert(name, item);
    }
    Ok(doc.to_string())
}

/// `manifest` with `feature` on for rtux, in `[dependencies]` and (where it
/// is there too) `[dev-dependencies]`; `rtux = "0.1"` becomes a table.
///
/// # Errors
/// Cargo.toml does not parse or does not depend on rtux.
pub(crate) fn with_rtux_feature(manifest: &str, feature: &str) -> Result<String, ScaffoldError> {
    let mut doc = parse(manifest)?;
    let mut found = false;
    for table in ["dependencies", "dev-dependencies"] {
        // Through the table: `Item::get_mut` would add an empty `rtux`.
        let Some(rtux) = doc
            .get_mut(table)
            .and_then(Item::as_table_like_mut)
            .and_then(|t| t.get_mut("rtux"))
        else {
            continue;
        };
        found = true;
        if let Some(version) = rtux.as_str().map(str::to_owned) {
            let mut inline = InlineTable::new();
            inline.insert("version", version.into());
            *rtux = Item::Value(Value::InlineTable(inline));
        }
        let Some(spec) = rtux.as_table_like_mut() else {
            return Err(ScaffoldError::RtuxSpec { table });
        };
        if spec.get("features").is_none() {
            spec.insert("features", value(Array::new()));
        }
        let features = spec
            .get_mut("features")
            .and_then(Item::as_array_mut)
            .ok_or(ScaffoldError::RtuxFeatures { table })?;
        if !features.iter().any(|f| f.as_str() == Some(feature)) {
            features.push(feature);
        }
        spec.fmt();
    }
    if found {
        Ok(doc.to_string())
    } else {
        Err(ScaffoldError::NoRtux)
    }
}

/// `manifest` with each of `packages` built optimized (`opt-level = 3`) in
/// debug builds and tests, unless the manifest sets it already.
///
/// # Errors
/// Cargo.toml does not parse.
pub(crate) fn with_optimized(manifest: &str, packages: &[&str]) -> Result<String, ScaffoldError> {
    let mut doc = parse(manifest)?;
    let mut table = doc.as_table_mut();
    // [profile], [profile.dev] and [profile.dev.package] stay implicit: only
    // [profile.dev.package.<name>] shows.
    for key in ["profile", "dev", "package"] {
        let item = table.entry(key).or_insert_with(|| {
            let mut implicit = toml_edit::Table::new();
            implicit.set_implicit(true);
            Item::Table(implicit)
        });
        table = item.as_table_mut().ok_or(ScaffoldError::Profile { key })?;
    }
    for package in packages {
        if !table.contains_key(package) {
            let mut optimized = toml_edit::Table::new();
            optimized.insert("opt-level", value(3));
            table.insert(package, Item::Table(optimized));
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_on_an_rtux_feature_in_both_tables_once() {
        let manifest = "[dependencies]\nrtux = { path = \"../runtime\" } # local\n\n[dev-dependencies]\nrtux = { path = \"../runtime\", features = [\"testing\"] }\n";
        let edited = with_rtux_feature(manifest, "accounts").expect("edits");
        assert!(
            edited
                .contains("rtux = { path = \"../runtime\", features = [\"accounts\"] } # local\n"),
            "{edited}"
        );
        assert!(
            edited.contains("features = [\"testing\", \"accounts\"]"),
            "{edited}"
        );
        assert_eq!(
            with_rtux_feature(&edited, "accounts").expect("edits"),
            edited,
            "once"
        );
        let published =
            with_rtux_feature("[dependencies]\nrtux = \"0.1.0\"\n", "accounts").expect("edits");
        assert!(
            published.contains("rtux = { version = \"0.1.0\", features = [\"accounts\"] }"),
            "{published}"
        );
        assert!(matches!(
            with_rtux_feature("[dependencies]\naxum = \"0.8\"\n", "accounts"),
            Err(ScaffoldError::NoRtux)
        ));
    }

    #[test]
    fn optimizes_packages_in_debug_builds_once() {
        let edited =
            with_optimized("[package]\nname = \"app\"\n", &["argon2", "blake2"]).expect("edits");
        assert!(
            edited.contains("[profile.dev.package.argon2]\nopt-level = 3\n"),
            "{edited}"
        );
        assert!(
            edited.contains("[profile.dev.package.blake2]\nopt-level = 3\n"),
            "{edited}"
        );
        assert!(
            !edited.contains("[profile]\n") && !edited.contains("[profile.dev]\n"),
            "{edited}"
        );
        assert_eq!(with_optimized(&edited, &["argon2"]).expect("edits"), edited);
    }

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
        let edited = with_dependencies(manifest, "dependencies", &wanted).expect("edits");
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
            with_dependencies("[package]\n", "dependencies", &wanted)
                .is_err_and(|e| e.to_string().contains("[dependencies]"))
        );
        assert!(
            with_dependencies("[dependencies\n", "dependencies", &wanted)
                .is_err_and(|e| e.to_string().contains("does not parse"))
        );
    }
}
