//! A generated app, as a user gets it: `rtux new`, then its build, tests,
//! clippy (-D warnings) and rustfmt check; it serves its pages when run; then
//! `rtux gen resource` (every field type) and `rtux gen presence`, and all of
//! it again; and, in a test of its own, an app made with `--db postgres`,
//! `rtux gen auth` and a resource for signed-in people, its tests on
//! PostgreSQL and its sign-in in Chromium.
//! Generated apps share one cargo target directory (target/gen-apps), so
//! their dependencies compile once.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::{fresh, gen_task_args, rtux};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn cargo(app: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(app)
        .env("CARGO_TARGET_DIR", workspace().join("target/gen-apps"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {} failed in the generated app:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds (as `cargo run` does: no dev-dependencies), tests, lints and checks
/// the formatting of the app.
fn check(app: &Path) {
    cargo(app, &["build", "--quiet"]);
    cargo(app, &["test", "--quiet"]);
    lint(app);
    cargo(app, &["fmt", "--check"]);
}

/// Clippy, warnings denied, on every target of the app.
fn lint(app: &Path) {
    cargo(
        app,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
}

fn get(port: u16, path: &str) -> String {
    get_as(port, path, &format!("127.0.0.1:{port}"))
}

/// `GET path` with this `Host` header.
fn get_as(port: u16, path: &str, host: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

/// Reads the app's stdout on a thread of its own, so the app may print as
/// long as it runs: the lines before the one with its address `url`, then
/// the lines after that one as they come.
fn lines_of(child: &mut Running, url: &str) -> (Vec<String>, std::sync::mpsc::Receiver<String>) {
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let before = rx.iter().take_while(|l| !l.contains(url)).collect();
    (before, rx)
}

/// Whether CI runs this (then nothing may skip).
fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Pages of the generated app in Chromium windows (a test file of tests/browser),
/// which starts the app itself (and kills and restarts it) from `app`.
fn browse(app: &App, file: &str) {
    let suite = workspace().join("tests/browser");
    let ready = suite.join("node_modules/playwright-core").is_dir()
        && Path::new("/usr/bin/chromium").exists()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ready {
        assert!(
            !required(),
            "CI must run the generated app in Chromium: install Node.js, `npm ci --prefix tests/browser` and Debian's chromium"
        );
        eprintln!(
            "SKIPPED the generated app in Chromium: Node.js, tests/browser/node_modules or /usr/bin/chromium is missing"
        );
        return;
    }
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", file])
        .current_dir(&suite)
        .env("APP_BIN", &app.binary)
        .env("APP_DIR", &app.dir)
        .env("APP_PORT", app.port.to_string())
        .env("APP_DATABASE_URL", &app.database_url)
        .output()
        .expect("node runs");
    eprintln!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the generated app failed in Chromium (output above)"
    );
}

/// The app, stopped when the test ends (also when it fails).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// How to run the built app: as `cargo run` would, on a free port and a store
/// of its own.
struct App {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    database_url: String,
}

/// Runs the built app `name` on a free port (PORT), as `cargo run` would,
/// asks it for `paths`, stops it, and drives its pages in Chromium with the
/// `browser` test file (which runs the app again, as it needs).
fn serve_and_get(dir: &Path, name: &str, paths: &[&str], browser: &str) {
    let app = App {
        binary: workspace().join("target/gen-apps/debug").join(name),
        dir: dir.to_path_buf(),
        port: std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port(),
        database_url: format!("sqlite:{}", dir.join("e2e.db").display()),
    };
    let port = app.port;
    let mut child = Running(
        Command::new(&app.binary)
            .current_dir(dir)
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &app.database_url)
            .env_remove("RTUX_SECRET")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let (printed, after) = lines_of(&mut child, &url);
    for path in paths {
        let page = get(port, path);
        assert!(page.starts_with("HTTP/1.1 200"), "{path}: {page}");
    }
    // In development: the dashboard, and its URL with an admin token.
    let dashboard = after
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("a line after the app's address");
    let link = format!("Dashboard (development only): {url}/_rtux/dashboard#token=ey");
    assert!(dashboard.starts_with(&link), "{dashboard}");
    let page = get(port, "/_rtux/dashboard");
    assert!(
        page.starts_with("HTTP/1.1 200") && page.contains(r#"data-rtux-live="rtux:dashboard""#),
        "{page}"
    );
    drop(child);
    // LOG_FORMAT=json: one JSON object a line, for a log collector.
    let mut child = Running(
        Command::new(&app.binary)
            .current_dir(dir)
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &app.database_url)
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts"),
    );
    let logged: Vec<serde_json::Value> = lines_of(&mut child, &url)
        .0
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        logged.iter().any(|l| l["level"] == "DEBUG"
            && l["fields"].is_object()
            && l["timestamp"].is_string()),
        "JSON log lines before the app's address: {logged:?}"
    );
    drop(child);
    // RUST_LOG=tower_http=debug logs each request, but never a socket token.
    let mut child = Running(
        Command::new(&app.binary)
            .current_dir(dir)
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "tower_http=debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts"),
    );
    let (_, after) = lines_of(&mut child, &url);
    let secret = "eyJhbGciOiJIUzI1NiJ9.a-token-that-must-not-be-logged.sig";
    get(port, &format!("/socket/websocket?vsn=2.0.0&token={secret}"));
    let mut logged = Vec::new();
    while let Ok(line) = after.recv_timeout(std::time::Duration::from_secs(2)) {
        logged.push(line);
    }
    assert!(
        logged
            .iter()
            .any(|l| l.contains("/socket/websocket") && l.contains("token=<redacted>")),
        "the request is logged: {logged:?}"
    );
    assert!(
        logged
            .iter()
            .all(|l| !l.contains("a-token-that-must-not-be-logged")),
        "no token in the request log: {logged:?}"
    );
    drop(child);
    // In production the development secret is refused, with how to fix it.
    let refused = Command::new(&app.binary)
        .current_dir(dir)
        .env("PORT", port.to_string())
        .env("RTUX_ENV", "production")
        .env_remove("RTUX_SECRET")
        .output()
        .expect("the app runs");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && said.contains("set RTUX_SECRET"),
        "{said}"
    );
    // In production PUBLIC_URL is required too.
    let refused = Command::new(&app.binary)
        .current_dir(dir)
        .env("PORT", port.to_string())
        .env("RTUX_ENV", "production")
        .env(
            "RTUX_SECRET",
            "a production secret of at least 32 bytes, for this test",
        )
        .env_remove("PUBLIC_URL")
        .output()
        .expect("the app runs");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && said.contains("set PUBLIC_URL"),
        "{said}"
    );
    // In production (with a secret) there is no dashboard.
    let mut child = Running(
        Command::new(&app.binary)
            .current_dir(dir)
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &app.database_url)
            .env("RTUX_ENV", "production")
            .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env(
                "RTUX_SECRET",
                "a production secret of at least 32 bytes, for this test",
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts"),
    );
    let (_, after) = lines_of(&mut child, &url);
    let page = get(port, "/_rtux/dashboard");
    assert!(
        page.starts_with("HTTP/1.1 404"),
        "no dashboard in production: {page}"
    );
    // Production pages: the visitor cookie Secure, HttpOnly and a week long
    // (not a token), the page private to its person; other hosts refused.
    let home = get(port, "/");
    let head = home
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let visitor = head
        .lines()
        .find(|l| l.starts_with("set-cookie: rtux_visitor="))
        .unwrap_or_else(|| panic!("a visitor cookie: {head}"));
    for part in ["secure", "httponly", "samesite=lax", "max-age=604800"] {
        assert!(visitor.contains(part), "{part} in {visitor}");
    }
    for header in [
        "cache-control: no-store",
        "content-security-policy: frame-ancestors 'none'",
    ] {
        assert!(head.contains(header), "{header} in {head}");
    }
    let rebound = get_as(port, "/", &format!("rebound.example:{port}"));
    assert!(
        rebound.starts_with("HTTP/1.1 421"),
        "another host: {rebound}"
    );
    assert!(
        after
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err(),
        "no dashboard URL printed in production"
    );
    drop(child);
    browse(&app, browser);
    assert!(
        printed.iter().any(|l| l.contains("development secret")),
        "{printed:?}"
    );
}

/// One generated app at a time: each builds the dependency tree on two
/// cores, and its browser suite times what a person sees.
static ONE_APP: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The turn of one app's test (a failed test before it gives it up too).
fn turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_APP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn a_generated_app_builds_passes_its_tests_and_lints_before_and_after_gen() {
    let _turn = turn();
    let dir = fresh("e2e-board");
    let run = rtux(&dir, &["new", "board"]);
    assert!(run.ok, "{}", run.stderr);
    let app = dir.join("board");
    let manifest = std::fs::read_to_string(app.join("Cargo.toml")).expect("manifest");
    let runtime = workspace().join("runtime").canonicalize().expect("runtime");
    assert!(
        manifest.contains(&format!(
            "rtux = {{ path = {:?} }}",
            runtime.display().to_string()
        )),
        "from a checkout, rtux is a path dependency:\n{manifest}"
    );
    // The checkout's lock file: the same versions as rtux's own tests, no resolution.
    std::fs::copy(workspace().join("Cargo.lock"), app.join("Cargo.lock")).expect("lock");
    check(&app);
    serve_and_get(
        &app,
        "board",
        &["/", "/notes/list", "/static/app.css", "/static/favicon.svg"],
        "generated_app.test.mjs",
    );

    let run = rtux(&app, &["gen", "resource", "User", "name:string"]);
    assert!(run.ok, "{}", run.stderr);
    let run = rtux(&app, &gen_task_args(&["--conflict", "lock"]));
    assert!(run.ok, "{}", run.stderr);
    let run = rtux(
        &app,
        &[
            "gen",
            "resource",
            "Invoice",
            "number:string",
            "customer:ref:User",
            "--clear-on-delete",
            "customer",
            "--conflict",
            "version",
            "--confirm-delete",
        ],
    );
    assert!(run.ok, "{}", run.stderr);
    let run = rtux(&app, &["gen", "presence", "Cursor"]);
    assert!(run.ok, "{}", run.stderr);
    check(&app);
    serve_and_get(
        &app,
        "board",
        &[
            "/",
            "/tasks",
            "/tasks/list",
            "/users",
            "/invoices",
            "/invoices/list",
        ],
        "generated_tasks.test.mjs",
    );
    // `gen auth` after resources (the README's order): it names the ones that
    // stay public, and the app stays clippy-clean.
    let run = rtux(&app, &["gen", "auth"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.contains("These resources stay open to anyone")
            && run.stdout.contains("  Task\n"),
        "{}",
        run.stdout
    );
    lint(&app);
    let _ = std::fs::remove_dir_all(&dir);
}

/// On PostgreSQL: the app, accounts and a resource for signed-in people,
/// their tests each on a database of their own made on the server
/// (127.0.0.1:5432, as CI runs it); then sign-in in Chromium. A test of its
/// own, so a failure of either app does not hide the other's.
#[test]
fn a_postgres_app_with_accounts_builds_passes_its_tests_and_signs_people_in() {
    let _turn = turn();
    let dir = fresh("e2e-shop");
    let run = rtux(&dir, &["new", "shop", "--db", "postgres"]);
    assert!(run.ok, "{}", run.stderr);
    let shop = dir.join("shop");
    let manifest = std::fs::read_to_string(shop.join("Cargo.toml")).expect("manifest");
    assert!(
        manifest.contains(r#"default = ["redis", "postgres"]"#),
        "{manifest}"
    );
    std::fs::copy(workspace().join("Cargo.lock"), shop.join("Cargo.lock")).expect("lock");
    let run = rtux(&shop, &["gen", "auth"]);
    assert!(run.ok, "{}", run.stderr);
    // `gen auth` alone: no resource uses `SignedIn` yet, and nothing warns.
    lint(&shop);
    let run = rtux(
        &shop,
        &[
            "gen",
            "resource",
            "Item",
            "name:string",
            "count:integer",
            "--presence",
        ],
    );
    assert!(run.ok, "{}", run.stderr);
    check(&shop);
    serve_and_get(
        &shop,
        "shop",
        &["/", "/sign-in", "/sign-up?next=/items"],
        "generated_auth.test.mjs",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
