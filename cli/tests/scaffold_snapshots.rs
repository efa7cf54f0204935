//! Snapshots of everything `rtux new` and `rtux gen` write: every file's
//! content (the development secret redacted). Review changes like code.

mod support;

use support::{fresh, gen_task_args, rtux, tree};

/// The files of `after` that are new or changed since `before`: new files
/// whole, changed ones as the lines they gained.
fn changes(before: &[(String, String)], after: &[(String, String)]) -> String {
    let mut out = String::new();
    for (path, content) in after {
        match before.iter().find(|(p, _)| p == path) {
            None => out.push_str(&format!("=== {path} (new)\n{content}\n")),
            Some((_, old)) if old != content => {
                let added: Vec<&str> = content
                    .lines()
                    .filter(|l| !old.lines().any(|o| o == *l))
                    .collect();
                out.push_str(&format!(
                    "=== {path} (lines added)\n{}\n\n",
                    added.join("\n")
                ));
            }
            Some(_) => {}
        }
    }
    out
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        r#"DEVELOPMENT_SECRET: &str = "[0-9a-f]{64}""#,
        r#"DEVELOPMENT_SECRET: &str = "[redacted]""#,
    );
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn new_and_gen_write_these_files() {
    let dir = fresh("snapshots");
    let run = rtux(&dir, &["new", "board", "--rtux-version", "0.1.0"]);
    assert!(run.ok, "{}", run.stderr);
    let app = dir.join("board");
    let new_tree = tree(&app);
    let _guard = settings().bind_to_scope();
    insta::assert_snapshot!("new", changes(&[], &new_tree));
    // The resource the task's owner refers to.
    let run = rtux(&app, &["gen", "resource", "User", "name:string"]);
    assert!(run.ok, "{}", run.stderr);
    let user_tree = tree(&app);

    let args = gen_task_args(&[
        "--conflict",
        "lock",
        "--undo-window",
        "10s",
        "--topic",
        "work",
    ]);
    let run = rtux(&app, &args);
    assert!(run.ok, "{}", run.stderr);
    let resource_tree = tree(&app);
    insta::assert_snapshot!(
        "gen_resource_every_type_and_flag",
        changes(&user_tree, &resource_tree)
    );

    let run = rtux(
        &app,
        &[
            "gen",
            "resource",
            "Invoice",
            "number:string",
            "paid:bool",
            "customer:ref:User",
            "--clear-on-delete",
            "customer",
            "--conflict",
            "version",
            "--confirm-delete",
        ],
    );
    assert!(run.ok, "{}", run.stderr);
    let invoice_tree = tree(&app);
    insta::assert_snapshot!(
        "gen_resource_version_and_confirm_delete",
        changes(&resource_tree, &invoice_tree)
    );

    let run = rtux(
        &app,
        &[
            "gen",
            "presence",
            "Cursor",
            "--typing-expiry",
            "4s",
            "--cursor-rate",
            "5",
        ],
    );
    assert!(run.ok, "{}", run.stderr);
    let presence_tree = tree(&app);
    insta::assert_snapshot!("gen_presence", changes(&invoice_tree, &presence_tree));

    let run = rtux(
        &app,
        &[
            "gen",
            "resource",
            "Project",
            "name:string",
            "--conflict",
            "merge",
            "--undo-window",
            "3s",
        ],
    );
    assert!(run.ok, "{}", run.stderr);
    insta::assert_snapshot!("gen_resource_merge", changes(&presence_tree, &tree(&app)));

    // Where the plural's guess is wrong, --plural names the page, list and topics.
    let args = [
        "gen",
        "resource",
        "Person",
        "name:string",
        "--plural",
        "people",
    ];
    let run = rtux(&app, &args);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.contains("/people"), "{}", run.stdout);
    let person = std::fs::read_to_string(app.join("src/person.rs")).expect("src/person.rs");
    assert!(
        person.contains(r#""people:all""#) && person.contains(r#""/people/list""#),
        "{person}"
    );

    // Accounts, then a resource for signed-in people (the default now).
    let before_auth = tree(&app);
    let run = rtux(&app, &["gen", "auth"]);
    assert!(run.ok, "{}", run.stderr);
    // The resources made before stay public, and gen auth says so, with the
    // guard that would close each.
    for said in [
        "These resources stay open to anyone, signed in or not:",
        ".guard(\"notes:*\", crate::auth::signed_in)    // Note",
        ".guard(\"people:*\", crate::auth::signed_in)    // Person",
    ] {
        assert!(run.stdout.contains(said), "{said}: {}", run.stdout);
    }
    let auth_tree = tree(&app);
    insta::assert_snapshot!("gen_auth", changes(&before_auth, &auth_tree));
    let run = rtux(
        &app,
        &["gen", "resource", "Memo", "text:text", "--presence"],
    );
    assert!(run.ok, "{}", run.stderr);
    insta::assert_snapshot!("gen_resource_signed_in", changes(&auth_tree, &tree(&app)));
    let _ = std::fs::remove_dir_all(&dir);
}
