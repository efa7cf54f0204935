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

/// How an app name must be written.
const APP_HINT: &str = "use lowercase letters, digits, `-` and `_`, starting with a letter (like `board` or `team-notes`)";
/// How a type name must be written.
const TYPE_HINT: &str =
    "use ASCII letters and digits, starting with a letter (like `Task` or `ProjectTask`)";
/// How a field name must be written.
const FIELD_HINT: &str =
    "use lowercase letters, digits and `_`, starting with a letter (like `title` or `due_date`)";

/// Why a name the user gave can't be used; each message says what would.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NameError {
    #[error("the app name is empty: {APP_HINT}")]
    AppEmpty,
    #[error(
        "{0:?} is a path, not a name: run `rtux new` in the folder that should hold the app; {APP_HINT}"
    )]
    AppPath(String),
    #[error("{0:?} has non-ASCII characters, which Cargo refuses in package names: {APP_HINT}")]
    AppNotAscii(String),
    #[error("{0:?} has spaces: {APP_HINT}")]
    AppSpaces(String),
    #[error("{0:?} must start with a letter: {APP_HINT}")]
    AppStart(String),
    #[error("{0:?} has {1:?}: {APP_HINT}")]
    AppCharacter(String, char),
    #[error(
        "{0:?} conflicts with Cargo's build directory names, so Cargo refuses it: choose another, such as `my-{0}`"
    )]
    CargoDir(String),
    #[error("{0:?} is a Rust keyword or a reserved crate name: choose another, such as `my-{0}`")]
    ReservedCrate(String),
    #[error("the name is empty: {TYPE_HINT}")]
    TypeEmpty,
    #[error("{0:?} can't name a Rust type: {TYPE_HINT}")]
    NotAType(String),
    #[error("{0:?} has {1:?}: {TYPE_HINT}")]
    TypeCharacter(String, char),
    #[error(
        "{0:?} is a Rust keyword or a name the app already uses (Note, Viewer, Config, App, Error): choose another"
    )]
    TypeTaken(String),
    #[error("a field name is empty: {FIELD_HINT}")]
    FieldEmpty,
    #[error("field name {0:?} is not snake_case: {FIELD_HINT}")]
    FieldNotSnake(String),
    #[error("field name {0:?} is a Rust keyword: choose another, such as `{0}_value`")]
    FieldKeyword(String),
    #[error("field name {0:?} is taken: every resource has an `id` and a `version` from the store")]
    FieldTaken(String),
    #[error("--plural {0:?}: write it in snake_case, like people or task_lists")]
    PluralNotSnake(String),
    #[error(
        "--plural {0:?} is the singular: give the plural (pages, lists and topics are named by it)"
    )]
    PluralIsSingular(String),
}

/// The app name of `rtux new <name>`: a directory and a crate name.
///
/// # Errors
/// Why the name can't be used, and what would work.
pub(crate) fn app(name: &str) -> Result<String, NameError> {
    let named = || name.to_owned();
    if name.is_empty() {
        return Err(NameError::AppEmpty);
    }
    if name.contains('/') || name.contains('\\') || name == "." || name == ".." {
        return Err(NameError::AppPath(named()));
    }
    if !name.is_ascii() {
        return Err(NameError::AppNotAscii(named()));
    }
    if name.chars().any(char::is_whitespace) {
        return Err(NameError::AppSpaces(named()));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(NameError::AppStart(named()));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(NameError::AppCharacter(named(), bad));
    }
    let krate = name.replace('-', "_").to_lowercase();
    if CARGO_DIRS.contains(&name) {
        return Err(NameError::CargoDir(named()));
    }
    if is_keyword(&krate) || RESERVED_CRATES.contains(&krate.as_str()) {
        return Err(NameError::ReservedCrate(named()));
    }
    Ok(krate)
}

/// A resource or presence type name (`Task`, `task` or `project_task` →
/// `Task`, `ProjectTask`).
///
/// # Errors
/// Why the name can't be a Rust type.
pub(crate) fn type_name(name: &str) -> Result<String, NameError> {
    if name.is_empty() {
        return Err(NameError::TypeEmpty);
    }
    if !name.is_ascii() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(NameError::NotAType(name.to_owned()));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(NameError::TypeCharacter(name.to_owned(), bad));
    }
    let pascal = name.to_pascal_case();
    let snake = pascal.to_snake_case();
    if is_keyword(&snake)
        || is_keyword(&pascal)
        || ["Self", "Note", "Viewer", "Config", "App", "Error"].contains(&pascal.as_str())
    {
        return Err(NameError::TypeTaken(name.to_owned()));
    }
    Ok(pascal)
}

/// A field name: a snake_case Rust identifier.
///
/// # Errors
/// Why the name can't be a field.
pub(crate) fn field(name: &str) -> Result<String, NameError> {
    if name.is_empty() {
        return Err(NameError::FieldEmpty);
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(NameError::FieldNotSnake(name.to_owned()));
    }
    if is_keyword(name) {
        return Err(NameError::FieldKeyword(name.to_owned()));
    }
    if name == "id" || name == "version" {
        return Err(NameError::FieldTaken(name.to_owned()));
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
pub(crate) fn given_plural(given: &str, singular: &str) -> Result<String, NameError> {
    let snake = given.starts_with(|c: char| c.is_ascii_lowercase())
        && given
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake {
        return Err(NameError::PluralNotSnake(given.to_owned()));
    }
    if given == singular {
        return Err(NameError::PluralIsSingular(given.to_owned()));
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
