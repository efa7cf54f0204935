//! `rtux gen resource` and `rtux gen presence`, run inside an app.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};

use super::CliError;
use crate::fields::Field;
use crate::names;
use crate::scaffold::resource::{Conflict, Delete};
use crate::scaffold::{NewPresence, NewResource, presence, resource};

/// Add to the app in the current folder.
#[derive(Debug, Args)]
pub(crate) struct GenArgs {
    #[command(subcommand)]
    what: Gen,
}

#[derive(Debug, Subcommand)]
enum Gen {
    /// A real-time resource: the struct with its derives, views, routes, channel and tests.
    Resource(ResourceArgs),
    /// A presence-only channel: who is here, typing, fields, cursors.
    Presence(PresenceArgs),
    /// Accounts: sign-up, sign-in and sign-out pages; resources made after it
    /// are for signed-in people unless `--public`.
    Auth(AuthArgs),
}

/// `rtux gen auth`
#[derive(Debug, Args)]
struct AuthArgs {
    /// Print the files that would change, and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// `rtux gen resource Task title:string done:bool due:date --toggle done`
#[derive(Debug, Args)]
struct ResourceArgs {
    /// The resource's type name (like Task or ProjectTask).
    name: String,
    /// Its fields, `name:type`. Types: string, text, bool, integer, float,
    /// decimal, date, datetime, uuid, enum:a,b,c (its values), ref:Resource (an id).
    #[arg(required = true, value_name = "FIELD:TYPE")]
    fields: Vec<String>,
    /// Track presence on its topic with this meta type (the app's own
    /// visitors, `crate::viewer::Viewer`, unless given or `--no-presence`).
    #[arg(
        long,
        value_name = "TYPE",
        num_args = 0..=1,
        default_value = "crate::viewer::Viewer",
        default_missing_value = "crate::viewer::Viewer"
    )]
    presence: String,
    /// No presence on its page (no avatars, no typing or field badges).
    #[arg(long)]
    no_presence: bool,
    /// How two people editing one record are reconciled.
    #[arg(long, value_enum, default_value_t = Conflict::Merge)]
    conflict: Conflict,
    /// How long a delete can be undone (1s to 30s).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "5s",
        conflicts_with = "confirm_delete"
    )]
    undo_window: String,
    /// Ask before deleting, then delete at once (instead of an undo window).
    #[arg(long)]
    confirm_delete: bool,
    /// An optimistic toggle of this bool field (repeatable).
    #[arg(long, value_name = "FIELD")]
    toggle: Vec<String>,
    /// An optimistic +1 of this integer field (repeatable).
    #[arg(long, value_name = "FIELD")]
    increment: Vec<String>,
    /// A field only the server changes: saves never change it (repeatable).
    #[arg(long, value_name = "FIELD")]
    server_owned: Vec<String>,
    /// A ref field that may be empty, emptied when the record it names is
    /// deleted (instead of that delete being refused) (repeatable).
    #[arg(long, value_name = "FIELD")]
    clear_on_delete: Vec<String>,
    /// Topics are `<prefix>:*` (the plural name by default).
    #[arg(long, value_name = "PREFIX")]
    topic: Option<String>,
    /// The plural, in snake_case, where the guess is wrong (`Person
    /// --plural people`): the page (/people), the list, the topics.
    #[arg(long, value_name = "PLURAL")]
    plural: Option<String>,
    /// Only signed-in people see its page and join its channel (the default
    /// once `rtux gen auth` has run; it needs it).
    #[arg(long, conflicts_with = "public")]
    signed_in: bool,
    /// Anyone may see its page and join its channel, even after `rtux gen auth`.
    #[arg(long)]
    public: bool,
    /// Print the files that would change, and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// `rtux gen presence Cursor`
#[derive(Debug, Args)]
struct PresenceArgs {
    /// The meta's type name (like Cursor or Room).
    name: String,
    /// Topics are `<prefix>:*` (the name in snake_case by default).
    #[arg(long, value_name = "PREFIX")]
    topic: Option<String>,
    /// How long typing shows after the last keystroke (3s to 5s).
    #[arg(long, default_value = "3s")]
    typing_expiry: String,
    /// Most cursor updates a second per user (1 to 10).
    #[arg(long, default_value_t = 10)]
    cursor_rate: u64,
    /// Print the files that would change, and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The app in the current folder, and its crate name.
fn app_root() -> Result<(PathBuf, String), CliError> {
    let root = std::env::current_dir().map_err(CliError::CurrentDir)?;
    let not_app = || CliError::NotApp(root.clone());
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|_| not_app())?;
    if !manifest
        .lines()
        .any(|l| l.trim_start().starts_with("rtux ="))
        || !root.join("src/lib.rs").is_file()
    {
        return Err(not_app());
    }
    let name = manifest
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("name = \"")?
                .strip_suffix('"')
                .map(str::to_owned)
        })
        .ok_or_else(not_app)?;
    Ok((root, name.replace('-', "_")))
}

fn topic_prefix(given: Option<&str>, default: String) -> Result<String, CliError> {
    let prefix = given.map_or(default, str::to_owned);
    if prefix.is_empty()
        || prefix.len() > 64
        || !prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Err(CliError::TopicPrefix(prefix));
    }
    rtux_rules::topic_pattern(&format!("{prefix}:*"))?;
    Ok(prefix)
}

fn duration(
    flag: &'static str,
    value: &str,
    bounds: &rtux_rules::Bounds,
) -> Result<Duration, CliError> {
    let d = humantime::parse_duration(value).map_err(|source| CliError::Duration {
        flag,
        value: value.to_owned(),
        source,
    })?;
    bounds
        .check(d)
        .map_err(|source| CliError::OutOfRange { flag, source })?;
    Ok(d)
}

fn finish(plan: &crate::scaffold::Plan, dry_run: bool, next: &str) -> Result<(), CliError> {
    if dry_run {
        print!("{}", plan.describe());
        return Ok(());
    }
    let written = plan.write(false)?;
    print!("{}", written.describe());
    println!("\nNext:\n  cargo test       # builds it and checks its view snapshots\n  {next}");
    Ok(())
}

pub(crate) fn run(args: &GenArgs) -> Result<(), CliError> {
    match &args.what {
        Gen::Resource(a) => gen_resource(a),
        Gen::Presence(a) => gen_presence(a),
        Gen::Auth(a) => gen_auth(a),
    }
}

fn gen_auth(a: &AuthArgs) -> Result<(), CliError> {
    let (root, crate_name) = app_root()?;
    let plan = crate::scaffold::auth(&root, &crate_name)?;
    let public = crate::scaffold::public_resources(Path::new(&root))?;
    finish(
        &plan,
        a.dry_run,
        &format!(
            "cargo run        # then open http://127.0.0.1:4000/sign-up
  Resources you add now are for signed-in people (`rtux gen resource … --public` for anyone).
{}",
            crate::scaffold::public_note(&public)
        ),
    )
}

fn gen_resource(a: &ResourceArgs) -> Result<(), CliError> {
    let name = names::type_name(&a.name)?;
    let fields = a
        .fields
        .iter()
        .map(|s| Field::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let delete = if a.confirm_delete {
        Delete::Confirm
    } else {
        Delete::Undo(duration(
            "--undo-window",
            &a.undo_window,
            &rtux_rules::UNDO_WINDOW,
        )?)
    };
    let presence = (!a.no_presence).then(|| a.presence.clone());
    if let Some(p) = &presence
        && (p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'))
    {
        return Err(CliError::PresenceType(p.clone()));
    }
    let (root, crate_name) = app_root()?;
    let has_auth = root.join("src/auth.rs").is_file();
    if a.signed_in && !has_auth {
        return Err(CliError::SignedInNeedsAuth);
    }
    let plural = match a.plural.as_deref() {
        Some(given) => names::given_plural(given, &names::snake(&name))?,
        None => names::plural(&names::snake(&name)),
    };
    let r = NewResource {
        root: Path::new(&root),
        name: &name,
        fields: &fields,
        presence,
        conflict: a.conflict,
        delete,
        toggles: &a.toggle,
        increments: &a.increment,
        server_owned: &a.server_owned,
        clear_on_delete: &a.clear_on_delete,
        topic_prefix: topic_prefix(a.topic.as_deref(), plural.clone())?,
        plural: plural.clone(),
        signed_in: has_auth && !a.public,
    };
    let plan = resource(&r, &crate_name)?;
    finish(
        &plan,
        a.dry_run,
        &format!("cargo run        # then open http://127.0.0.1:4000/{plural}"),
    )
}

fn gen_presence(a: &PresenceArgs) -> Result<(), CliError> {
    let name = names::type_name(&a.name)?;
    duration(
        "--typing-expiry",
        &a.typing_expiry,
        &rtux_rules::TYPING_EXPIRY,
    )?;
    if !(1..=rtux_rules::MAX_CURSOR_RATE).contains(&a.cursor_rate) {
        return Err(CliError::CursorRate(a.cursor_rate));
    }
    let (root, _) = app_root()?;
    let snake = names::snake(&name);
    let p = NewPresence {
        root: Path::new(&root),
        name: &name,
        topic_prefix: topic_prefix(a.topic.as_deref(), snake.clone())?,
        typing_expiry: a.typing_expiry.clone(),
        cursor_rate: a.cursor_rate,
    };
    let plan = presence(&p)?;
    finish(
        &plan,
        a.dry_run,
        &format!(
            "join `{}:<room>` from a page with rtux::ui::presence",
            p.topic_prefix
        ),
    )
}
