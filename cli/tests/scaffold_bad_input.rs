//! Bad input to `rtux new` and `rtux gen`: a clear error, a non-zero exit,
//! and nothing written — and a user's files never deleted or overwritten.

mod support;

use support::{Run, fresh, rtux, tree};

fn refused(run: &Run, says: &str) {
    assert!(!run.ok, "should have failed; stdout: {}", run.stdout);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(says),
        "expected {says:?} in: {}",
        run.stderr
    );
}

#[test]
fn invalid_app_names_are_refused_and_nothing_is_written() {
    let dir = fresh("names");
    for (name, says) in [
        ("fn", "Rust keyword"),
        ("1app", "must start with a letter"),
        ("my app", "has spaces"),
        ("a/b", "is a path"),
        ("..", "is a path"),
        ("", "empty"),
        ("café", "non-ASCII"),
        ("std", "reserved crate name"),
        ("deps", "Cargo's build directory names"),
        ("app!", "has '!'"),
    ] {
        refused(&rtux(&dir, &["new", name]), says);
    }
    assert!(
        tree(&dir).is_empty(),
        "something was written: {:?}",
        tree(&dir)
    );
    let help = rtux(&dir, &["new"]);
    assert!(
        !help.ok && help.stderr.contains("<NAME>"),
        "{}",
        help.stderr
    );
    refused(
        &rtux(&dir, &["new", "ok", "--rtux-path", "/nonexistent"]),
        "--rtux-path",
    );
    refused(
        &rtux(&dir, &["new", "ok", "--rtux-path", "."]),
        "is not the rtux runtime",
    );
    refused(
        &rtux(&dir, &["new", "ok", "--rtux-version", "1 ; rm"]),
        "not a version requirement",
    );
    assert!(tree(&dir).is_empty());
}

#[test]
fn a_name_cargo_warns_about_gets_the_same_warning_and_the_app() {
    let dir = fresh("warned");
    let run = rtux(&dir, &["new", "aux"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("warning: the name `aux` is a reserved Windows filename"),
        "{}",
        run.stderr
    );
    assert!(dir.join("aux/Cargo.toml").is_file());
}

#[test]
fn an_existing_folder_is_refused_unless_forced_and_its_files_are_kept() {
    let dir = fresh("existing");
    let app = dir.join("board");
    std::fs::create_dir_all(app.join("src")).expect("dir");
    std::fs::write(app.join("src/main.rs"), "// mine\n").expect("write");
    std::fs::write(app.join("notes.txt"), "my notes\n").expect("write");
    refused(
        &rtux(&dir, &["new", "board", "--rtux-version", "0.1"]),
        "exists and is not empty",
    );
    assert_eq!(tree(&app).len(), 2);

    let run = rtux(&dir, &["new", "board", "--rtux-version", "0.1", "--force"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.contains("Kept as they were") && run.stdout.contains("src/main.rs"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(app.join("src/main.rs")).expect("read"),
        "// mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(app.join("notes.txt")).expect("read"),
        "my notes\n"
    );
    assert!(app.join("src/notes.rs").is_file());
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let dir = fresh("dry");
    let run = rtux(
        &dir,
        &["new", "board", "--dry-run", "--rtux-version", "0.1"],
    );
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.contains("create  src/notes.rs") && run.stdout.contains("Nothing was written"),
        "{}",
        run.stdout
    );
    assert!(tree(&dir).is_empty());

    assert!(rtux(&dir, &["new", "board", "--rtux-version", "0.1"]).ok);
    let app = dir.join("board");
    let before = tree(&app);
    let run = rtux(
        &app,
        &["gen", "resource", "Task", "title:string", "--dry-run"],
    );
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.contains("create  src/task.rs") && run.stdout.contains("modify  src/app.rs"),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&app), before);
}

#[test]
fn success_says_what_was_created_and_what_to_do_next() {
    let dir = fresh("success");
    let run = rtux(&dir, &["new", "board", "--rtux-version", "0.1"]);
    assert!(run.ok, "{}", run.stderr);
    for says in [
        "Created:",
        "src/notes.rs",
        "cd board",
        "cargo run",
        "http://127.0.0.1:4000",
    ] {
        assert!(
            run.stdout.contains(says),
            "{says:?} missing: {}",
            run.stdout
        );
    }
}

#[test]
fn gen_refuses_bad_names_fields_and_flags_and_writes_nothing() {
    let dir = fresh("gen");
    refused(
        &rtux(&dir, &["gen", "resource", "Task", "title:string"]),
        "is not an rtux app",
    );
    assert!(rtux(&dir, &["new", "board", "--rtux-version", "0.1"]).ok);
    let app = dir.join("board");
    let before = tree(&app);
    let cases: &[(&[&str], &str)] = &[
        (&["Task", "title"], "has no type"),
        (&["Task", "title:str"], "unknown type"),
        (&["Task", "Title:string"], "not snake_case"),
        (&["Task", "type:string"], "Rust keyword"),
        (&["Task", "id:string"], "is taken"),
        (&["Task", "s:enum"], "needs its values"),
        (&["Task", "s:enum:Open,x"], "must be snake_case"),
        (&["Task", "o:ref"], "names its resource"),
        (&["Task", "a:string", "a:bool"], "given twice"),
        (&["fn", "title:string"], "Rust keyword"),
        (&["9Task", "title:string"], "can't name a Rust type"),
        (&["Note", "title:string"], "already uses"),
        (
            &["Task", "title:string", "--toggle", "title"],
            "only a bool field",
        ),
        (
            &["Task", "done:bool", "--toggle", "nope"],
            "no field \"nope\"",
        ),
        (&["Task", "n:string", "--increment", "n"], "only an integer"),
        (
            &["Task", "title:string", "--undo-window", "45s"],
            "outside 1–30 s",
        ),
        (
            &["Task", "title:string", "--undo-window", "soon"],
            "not a duration",
        ),
        (&["Task", "title:string", "--topic", "Bad Topic"], "--topic"),
        (
            &["Person", "name:string", "--plural", "People"],
            "snake_case",
        ),
        (
            &["Person", "name:string", "--plural", "person"],
            "is the singular",
        ),
        (
            &["Task", "title:string", "--presence", "not a path"],
            "not a Rust type path",
        ),
        (
            &["Task", "owner:ref:Nobody"],
            "this app has no src/nobody.rs: make that resource first",
        ),
        (
            &["Task", "parent:ref:Task"],
            "can't refer to another Task yet",
        ),
        (
            &["Task", "title:string", "--clear-on-delete", "title"],
            "only a ref field refers to a record",
        ),
    ];
    for (args, says) in cases {
        let mut all = vec!["gen", "resource"];
        all.extend_from_slice(args);
        refused(&rtux(&app, &all), says);
    }
    let conflicting = rtux(
        &app,
        &[
            "gen",
            "resource",
            "Task",
            "t:string",
            "--confirm-delete",
            "--undo-window",
            "5s",
        ],
    );
    assert!(
        !conflicting.ok && conflicting.stderr.contains("cannot be used with"),
        "{}",
        conflicting.stderr
    );
    refused(
        &rtux(&app, &["gen", "presence", "Cursor", "--cursor-rate", "30"]),
        "outside 1 to 10",
    );
    refused(
        &rtux(
            &app,
            &["gen", "presence", "Cursor", "--typing-expiry", "10s"],
        ),
        "outside 3–5 s",
    );
    assert_eq!(tree(&app), before, "a refused gen wrote something");
}

#[test]
fn gen_twice_or_without_its_marker_refuses_and_writes_nothing() {
    let dir = fresh("markers");
    assert!(rtux(&dir, &["new", "board", "--rtux-version", "0.1"]).ok);
    let app = dir.join("board");
    assert!(rtux(&app, &["gen", "resource", "Task", "title:string"]).ok);
    let before = tree(&app);
    refused(
        &rtux(&app, &["gen", "resource", "Task", "title:string"]),
        "exist already",
    );
    assert_eq!(tree(&app), before);

    let app_rs = std::fs::read_to_string(app.join("src/app.rs")).expect("read");
    let without = app_rs.replace("// rtux:channels", "// (marker removed)");
    std::fs::write(app.join("src/app.rs"), &without).expect("write");
    let before = tree(&app);
    refused(
        &rtux(&app, &["gen", "resource", "Project", "name:string"]),
        "has no `// rtux:channels` marker",
    );
    refused(
        &rtux(&app, &["gen", "presence", "Cursor"]),
        "has no `// rtux:channels` marker",
    );
    assert_eq!(tree(&app), before, "a refused gen wrote something");
}

#[test]
fn gen_auth_once_and_signed_in_resources_only_with_it() {
    let dir = fresh("auth");
    assert!(rtux(&dir, &["new", "board", "--rtux-version", "0.1"]).ok);
    let app = dir.join("board");
    let before = tree(&app);
    refused(
        &rtux(
            &app,
            &["gen", "resource", "Task", "title:string", "--signed-in"],
        ),
        "--signed-in needs accounts: run `rtux gen auth` first",
    );
    assert_eq!(tree(&app), before);
    let run = rtux(&app, &["gen", "auth"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.contains("/sign-up"), "{}", run.stdout);
    let before = tree(&app);
    refused(
        &rtux(&app, &["gen", "auth"]),
        "this app has sign-in already",
    );
    let both = [
        "gen",
        "resource",
        "Task",
        "title:string",
        "--signed-in",
        "--public",
    ];
    let run = rtux(&app, &both);
    assert!(
        !run.ok && run.stderr.contains("cannot be used with"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&app), before, "a refused gen wrote something");

    // After gen auth, resources are for signed-in people unless --public.
    assert!(rtux(&app, &["gen", "resource", "Task", "title:string"]).ok);
    assert!(
        rtux(
            &app,
            &["gen", "resource", "Notice", "text:string", "--public"]
        )
        .ok
    );
    let app_rs = std::fs::read_to_string(app.join("src/app.rs")).expect("read");
    assert!(
        app_rs.contains(r#".guard("tasks:*", crate::auth::signed_in)"#),
        "{app_rs}"
    );
    assert!(!app_rs.contains(r#".guard("notices:*""#), "{app_rs}");
    let _ = std::fs::remove_dir_all(&dir);
}
