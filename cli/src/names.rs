//! Names a user gives: checked before anything is written, and turned into
//! every case the generated code needs.

use heck::{ToPascalCase, ToSnakeCase};

/// Rust's keywords (strict and reserved, 2024 edition): not usable as crate,
/// module, type or field names.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names a Rust program can't have for its crate (they clash with the standard library).
const RESERVED_CRATES: &[&str] = &["std", "core", "alloc", "proc_macro", "test", "rtux"];

/// Names Cargo refuses for a package: its own build directories.
const CARGO_DIRS: &[&str] = &["deps", "examples", "build", "incremental"];

/// Names Windows keeps for devices, with any extension: an app so named
/// cannot be checked out or built there (Cargo warns the same).
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// What Cargo warns about an app name it accepts, said the same way.
pub(crate) fn app_warning(name: &str) -> Option<String> {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    WINDOWS_RESERVED.contains(&stem.as_str()).then(|| {
        format!(
            "the name `{name}` is a reserved Windows filename: this app will not work on Windows platforms (choose another, such as `my-{name}`, if it must)"
        )
    })
}

/// The app name of `rtux new <name>`: a directory and a crate name.
///
/// # Errors
/// Why the name can't be used, and what would work.
pub(crate) fn app(name: &str) -> Result<String, String> {
    let hint = "use lowercase letters, digits, `-` and `_`, starting with a letter (like `board` or `team-notes`)";
    if name.is_empty() {
        return Err(format!("the app name is empty: {hint}"));
    }
    if name.contains('/') || name.contains('\\') || name == "." || name == ".." {
        return Err(format!(
            "{name:?} is a path, not a name: run `rtux new` in the folder that should hold the app; {hint}"
        ));
    }
    if !name.is_ascii() {
        return Err(format!(
            "{name:?} has non-ASCII characters, which Cargo refuses in package names: {hint}"
        ));
    }
    if name.chars().any(char::is_whitespace) {
        return Err(format!("{name:?} has spaces: {hint}"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!("{name:?} must start with a letter: {hint}"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!("{name:?} has {bad:?}: {hint}"));
    }
    let krate = name.replace('-', "_").to_lowercase();
    if CARGO_DIRS.contains(&name) {
        return Err(format!(
            "{name:?} conflicts with Cargo's build directory names, so Cargo refuses it: choose another, such as `my-{name}`"
        ));
    }
    if is_keyword(&krate) || RESERVED_CRATES.contains(&krate.as_str()) {
        return Err(format!(
            "{name:?} is a Rust keyword or a reserved crate name: choose another, such as `my-{name}`"
        ));
    }
    Ok(krate)
}

/// A resource or presence type name (`Task`, `task` or `project_task` →
/// `Task`, `ProjectTask`).
///
/// # Errors
/// Why the name can't be a Rust type.
pub(crate) fn type_name(name: &str) -> Result<String, String> {
    let hint =
        "use ASCII letters and digits, starting with a letter (like `Task` or `ProjectTask`)";
    if name.is_empty() {
        return Err(format!("the name is empty: {hint}"));
    }
    if !name.is_ascii() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!("{name:?} can't name a Rust type: {hint}"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!("{name:?} has {bad:?}: {hint}"));
    }
    let pascal = name.to_pascal_case();
    let snake = pascal.to_snake_case();
    if is_keyword(&snake)
        || is_keyword(&pascal)
        || ["Self", "Note", "Viewer", "Config", "App", "Error"].contains(&pascal.as_str())
    {
        return Err(format!(
            "{name:?} is a Rust keyword or a name the app already uses (Note, Viewer, Config, App, Error): choose another"
        ));
    }
    Ok(pascal)
}

/// A field name: a snake_case Rust identifier.
///
/// # Errors
/// Why the name can't be a field.
pub(crate) fn field(name: &str) -> Result<String, String> {
    let hint = "use lowercase letters, digits and `_`, starting with a letter (like `title` or `due_date`)";
    if name.is_empty() {
        return Err(format!("a field name is empty: {hint}"));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!("field name {name:?} is not snake_case: {hint}"));
    }
    if is_keyword(name) {
        return Err(format!(
            "field name {name:?} is a Rust keyword: choose another, such as `{name}_value`"
        ));
    }
    if name == "id" || name == "version" {
        return Err(format!(
            "field name {name:?} is taken: every resource has an `id` and a `version` from the store"
        ));
    }
    Ok(name.to_owned())
}

/// The plural of a snake_case name, for topics and URLs (`task` → `tasks`).
pub(crate) fn plural(snake: &str) -> String {
    if snake.ends_with('s')
        || snake.ends_with('x')
        || snake.ends_with("ch")
        || snake.ends_with("sh")
    {
        format!("{snake}es")
    } else if let Some(stem) = snake
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{snake}s")
    }
}

/// A plural given with `--plural`: snake_case, and not the singular.
///
/// # Errors
/// How to write it.
pub(crate) fn given_plural(given: &str, singular: &str) -> Result<String, String> {
    let snake = given.starts_with(|c: char| c.is_ascii_lowercase())
        && given
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake {
        return Err(format!(
            "--plural {given:?}: write it in snake_case, like people or task_lists"
        ));
    }
    if given == singular {
        return Err(format!(
            "--plural {given:?} is the singular: give the plural (pages, lists and topics are named by it)"
        ));
    }
    Ok(given.to_owned())
}

/// `board` or `team_notes` → `Board`, `Team Notes`.
pub(crate) fn title(krate: &str) -> String {
    krate
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The snake_case of a type name.
pub(crate) fn snake(pascal: &str) -> String {
    pascal.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names() {
        assert_eq!(app("team-notes").as_deref(), Ok("team_notes"));
        for bad in [
            "", "fn", "1app", "my app", "a/b", "..", "café", "std", "a!b", "deps", "build",
        ] {
            assert!(app(bad).is_err(), "{bad:?} passed");
        }
    }

    #[test]
    fn windows_reserved_names_pass_with_cargos_warning() {
        for name in ["con", "aux", "nul", "com1", "lpt9", "Aux"] {
            let warning = app_warning(name).unwrap_or_default();
            assert!(
                warning.contains("reserved Windows filename"),
                "{name}: {warning:?}"
            );
        }
        assert!(app("aux").is_ok(), "Cargo accepts it, and so does rtux");
        assert_eq!(app_warning("board"), None);
        assert_eq!(app_warning("console"), None);
    }

    #[test]
    fn type_and_field_names() {
        assert_eq!(type_name("project_task").as_deref(), Ok("ProjectTask"));
        assert!(
            type_name("struct").is_err() && type_name("9x").is_err() && type_name("Note").is_err()
        );
        assert!(field("due_date").is_ok());
        assert!(field("Title").is_err() && field("type").is_err() && field("id").is_err());
    }

    #[test]
    fn plurals_and_titles() {
        assert_eq!(
            (
                plural("task"),
                plural("box"),
                plural("story"),
                plural("day")
            ),
            (
                "tasks".into(),
                "boxes".into(),
                "stories".into(),
                "days".into()
            )
        );
        assert_eq!(title("team_notes"), "Team Notes");
    }
}
