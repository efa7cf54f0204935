//! `rtux gen auth`: accounts with sign-up, sign-in and sign-out pages on
//! `rtux::accounts`, wired into the app at its markers.

use std::path::Path;

use serde_json::json;

use super::ScaffoldError;
use super::plan::Plan;
use super::views::ViewTest;
use super::{formatted, manifest, markers, read, render, rustfmt};

/// The views `rtux gen auth` adds, under views/.
const VIEWS: [&str; 4] = [
    "auth/sign_up.html",
    "auth/sign_in.html",
    "auth/nav.html",
    "auth/password.html",
];

/// A signed-in person, as the view tests render the account links for.
fn signed_in() -> serde_json::Value {
    json!({ "id": "u-1", "name": "Ana", "session": "s-1", "form_token": "FORM-TOKEN" })
}

/// The view tests of the sign-in pages and the account links.
fn view_tests() -> Vec<ViewTest> {
    let blank = json!({ "csrf": "FORM-TOKEN", "next": "/", "email": "", "name": "", "error": null, "problems": {} });
    let refused = json!({
        "csrf": "FORM-TOKEN", "next": "/tasks", "email": "ana", "name": "<Ana>", "error": null,
        "problems": {
            "email": "Enter an email address like ana@example.com.",
            "password": "Use a password of at least 12 characters (a few words make a good one).",
        },
    });
    let wrong = json!({ "csrf": "FORM-TOKEN", "next": "/", "email": "ana@example.com", "name": "", "error": "Wrong email or password.", "problems": {} });
    vec![
        ViewTest::new("auth_sign_up", "auth/sign_up.html", blank),
        ViewTest::new("auth_sign_up_refused", "auth/sign_up.html", refused),
        ViewTest::new("auth_sign_in_wrong", "auth/sign_in.html", wrong),
        ViewTest::new(
            "auth_password_wrong",
            "auth/password.html",
            json!({
                "csrf": "FORM-TOKEN", "done": null, "error": null,
                "problems": { "current_password": "That is not your current password." },
            }),
        ),
        ViewTest::new(
            "auth_password_changed",
            "auth/password.html",
            json!({
                "csrf": "FORM-TOKEN", "error": null, "problems": {},
                "done": "Your password is changed, and your other session is signed out.",
            }),
        ),
        ViewTest::new(
            "auth_nav_signed_in",
            "auth/nav.html",
            json!({ "person": signed_in() }),
        ),
        ViewTest::new(
            "auth_nav_signed_out",
            "auth/nav.html",
            json!({ "person": { "id": "v-1", "name": "Guest 0001", "session": null, "form_token": null } }),
        ),
    ]
}

/// Everything `rtux gen auth` writes and edits.
///
/// # Errors
/// The app has sign-in already, a marker is gone, or a file can't be read.
pub(crate) fn auth(root: &Path, crate_name: &str) -> Result<Plan, ScaffoldError> {
    if root.join("src/auth.rs").exists() {
        return Err(ScaffoldError::HasAuth);
    }
    let context = json!({ "crate_name": crate_name });
    let mut plan = Plan::new(root);
    for file in ["src/auth.rs", "tests/auth.rs", "tests/common/auth.rs"] {
        let content = render::render(&format!("auth/{file}"), &context)?;
        plan.create(file, formatted(file, content));
    }
    let mut views = super::views::app_views(root)?;
    for view in VIEWS {
        let content = render::render(&format!("auth/views/{view}"), &context)?;
        views.push((view.to_owned(), content.clone()));
        plan.create(format!("views/{view}"), content);
    }

    let edit = |path: &str, marker: &str, line: &str, content: String| {
        markers::insert_before(&content, path, marker, line)
    };
    let lib = edit(
        "src/lib.rs",
        "// rtux:modules",
        "pub mod auth;",
        read(root, "src/lib.rs")?,
    )?;
    plan.modify("src/lib.rs", rustfmt(lib));
    let mut app = read(root, "src/app.rs")?;
    for (marker, line) in [
        (
            "// rtux:setup",
            "// Accounts in the store: sessions, form tokens, sign-in limits (src/auth.rs).\nlet accounts = rtux::accounts::Accounts::new(&store, config.secret.as_bytes())\n    .map_err(rtux::BuildError::from)?\n    .secure_cookies(config.production);",
        ),
        (
            "// rtux:channels",
            ".connect_check(accounts.connect_check())",
        ),
        (
            "// rtux:state ",
            "pub(crate) accounts: rtux::accounts::Accounts,",
        ),
        ("// rtux:state-init", "accounts,"),
        ("// rtux:routes", ".merge(crate::auth::routes())"),
    ] {
        app = edit("src/app.rs", marker, line, app)?;
    }
    plan.modify("src/app.rs", rustfmt(app));
    let identity = edit(
        "src/identity.rs",
        "// rtux:person",
        "if let Some(person) = crate::auth::signed_in_person(parts, app).await {\n    return Ok(person);\n}",
        read(root, "src/identity.rs")?,
    )?;
    plan.modify("src/identity.rs", rustfmt(identity));
    let mut views_rs = read(root, "src/views.rs")?;
    for view in VIEWS {
        let line = format!("(\"{view}\", include_str!(\"../views/{view}\")),");
        views_rs = edit("src/views.rs", "// rtux:views", &line, views_rs)?;
    }
    plan.modify("src/views.rs", rustfmt(views_rs));
    let layout = edit(
        "views/layout.html",
        "{# rtux:nav",
        "{% include \"auth/nav.html\" %}",
        read(root, "views/layout.html")?,
    )?;
    super::views::replace_view(&mut views, "layout.html", &layout);
    plan.modify("views/layout.html", layout);
    let readme = markers::readme(
        &read(root, "README.md")?,
        "- `/sign-up`, `/sign-in`, `/settings/password`: accounts (`src/auth.rs`, `rtux gen auth`); pages added from now on are for signed-in people",
        &["rtux gen auth "],
    );
    plan.modify("README.md", readme);
    let styles = render::render("auth/static/styles.css", &context)?;
    let css = edit(
        "static/app.css",
        "/* rtux:styles",
        styles.trim_end(),
        read(root, "static/app.css")?,
    )?;
    plan.modify("static/app.css", css);
    let common = edit(
        "tests/common/mod.rs",
        "// rtux:common",
        "pub mod auth;",
        read(root, "tests/common/mod.rs")?,
    )?;
    plan.modify("tests/common/mod.rs", rustfmt(common));

    let manifest = manifest::with_rtux_feature(&read(root, "Cargo.toml")?, "accounts")?;
    let manifest = manifest::with_dependencies(
        &manifest,
        "dev-dependencies",
        &[("serde_urlencoded", "serde_urlencoded = \"0.7\"")],
    )?;
    // Password hashing (Argon2id, 19 MiB) is slow unoptimized: tests and
    // `cargo run` would wait seconds at each sign-in.
    let manifest = manifest::with_optimized(&manifest, &["argon2", "blake2"])?;
    plan.modify("Cargo.toml", manifest);

    // The layout shows the account links now: its snapshot, and the new views'.
    let (path, content) = super::app::layout_test().snapshot(crate_name, &views)?;
    plan.modify(path, content);
    let tests_rs = read(root, "tests/views.rs")?;
    let tests_rs = super::views::add_tests(&mut plan, tests_rs, &view_tests(), crate_name, &views)?;
    plan.modify("tests/views.rs", rustfmt(tests_rs));
    plan.check_free()?;
    Ok(plan)
}

/// A resource of the app that anyone may join: its type, and the guard that
/// would require sign-in for it (when its topic can be read from the code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Public {
    pub(crate) model: String,
    pub(crate) guard: Option<String>,
}

/// The resources src/app.rs registers without a sign-in guard after them.
pub(crate) fn public_resources(root: &Path) -> Result<Vec<Public>, ScaffoldError> {
    let app = read(root, "src/app.rs")?;
    let lines: Vec<&str> = app.lines().map(str::trim).collect();
    let mut public = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix(".resource::<") else {
            continue;
        };
        let guarded = lines[n + 1..]
            .iter()
            .take_while(|l| !l.starts_with(".resource::<"))
            .any(|l| l.starts_with(".guard(") && l.contains("signed_in"));
        if guarded {
            continue;
        }
        let Some((model, args)) = rest.split_once(">(") else {
            continue;
        };
        let topic = args.split(',').next().unwrap_or_default().trim();
        public.push(Public {
            model: model.rsplit("::").next().unwrap_or(model).to_owned(),
            guard: topic_value(root, topic)
                .and_then(|t| t.split_once(':').map(|(prefix, _)| prefix.to_owned()))
                .map(|prefix| format!(".guard(\"{prefix}:*\", crate::auth::signed_in)")),
        });
    }
    Ok(public)
}

/// The string a topic constant such as `views::BOARD_TOPIC` or
/// `crate::task::PAGE_TOPIC` holds, read from its module's file.
fn topic_value(root: &Path, path: &str) -> Option<String> {
    let path = path.trim_start_matches("crate::");
    let (module, name) = path.rsplit_once("::")?;
    let source = std::fs::read_to_string(
        root.join("src")
            .join(format!("{}.rs", module.replace("::", "/"))),
    )
    .ok()?;
    let line = source
        .lines()
        .find(|l| l.contains(&format!("const {name}: &str = \"")))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// What `rtux gen auth` says of the resources that stay open to anyone.
pub(crate) fn public_note(public: &[Public]) -> String {
    if public.is_empty() {
        return String::new();
    }
    let mut note = String::from("\nThese resources stay open to anyone, signed in or not:\n");
    for p in public {
        note.push_str(&format!("  {}\n", p.model));
    }
    note.push_str("To require sign-in for one, add its guard after its `.resource::<…>` line in src/app.rs:\n");
    for p in public {
        match &p.guard {
            Some(guard) => note.push_str(&format!("  {guard}    // {}\n", p.model)),
            None => note.push_str(&format!(
                "  .guard(\"<its topic>:*\", crate::auth::signed_in)    // {}\n",
                p.model
            )),
        }
    }
    note.push_str("and take `SignedIn` instead of `Person` in its page's handler (src/auth.rs), so the page sends people to sign in first.\n");
    note
}
