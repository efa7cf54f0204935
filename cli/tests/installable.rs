//! The CLI as Rust users install it: the four crates packaged (`cargo
//! package`), the packaged CLI installed with `cargo install` into a folder of
//! its own — its templates travel inside the package — and an app it makes
//! built against the packaged runtime. rtux is not on crates.io, so the
//! packaged crates are patched in for it by path; nothing else of this
//! checkout is used. Shares target/gen-apps with the other generated apps.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::fresh;

/// The crates an installed CLI needs, in the order Cargo packages them.
const CRATES: [&str; 4] = ["rtux-rules", "rtux-macros", "rtux", "rtux-cli"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

/// Runs `program args…` in `dir`; panics with its output if it fails.
fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target/gen-apps"))
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{program} {} failed:\n{said}",
        args.join(" ")
    );
    said
}

/// `--config` arguments patching each packaged crate in by path.
fn patches(unpacked: &Path) -> Vec<String> {
    CRATES[..3]
        .iter()
        .flat_map(|name| {
            let path = unpacked.join(format!("{name}-{}", env!("CARGO_PKG_VERSION")));
            [
                "--config".to_owned(),
                format!(
                    "patch.crates-io.{name}.path={:?}",
                    path.display().to_string()
                ),
            ]
        })
        .collect()
}

#[test]
fn the_packaged_cli_installs_and_makes_an_app_that_builds_on_the_packaged_runtime() {
    let dir = fresh("installable");
    let cargo = env!("CARGO");
    let version = env!("CARGO_PKG_VERSION");
    let mut package = vec!["package", "--no-verify", "--allow-dirty"];
    for name in CRATES {
        package.extend(["-p", name]);
    }
    run(&workspace(), cargo, &package);
    let unpacked = dir.join("packaged");
    std::fs::create_dir_all(&unpacked).expect("a folder for the packages");
    for name in CRATES {
        let file = workspace().join(format!("target/gen-apps/package/{name}-{version}.crate"));
        let file = file.display().to_string();
        let into = unpacked.display().to_string();
        run(&dir, "tar", &["xzf", &file, "-C", &into]);
    }
    let cli = unpacked.join(format!("rtux-cli-{version}"));
    assert!(
        cli.join("templates/new/src/app.rs").is_file(),
        "the templates travel inside the CLI's package"
    );

    // Installed as `cargo install` does, with the checkout's lock file: the
    // same dependency versions as the tests, no resolution.
    let lock = workspace().join("Cargo.lock");
    std::fs::copy(&lock, cli.join("Cargo.lock")).expect("lock");
    let root = dir.join("installed");
    let (cli_path, root_path) = (cli.display().to_string(), root.display().to_string());
    let mut install = vec!["install", "--path", &cli_path, "--root", &root_path];
    install.extend(["--debug", "--locked"]);
    let patches = patches(&unpacked);
    install.extend(patches.iter().map(String::as_str));
    run(&dir, cargo, &install);

    // The installed CLI makes an app that depends on the published version.
    let rtux = root.join("bin/rtux").display().to_string();
    let said = run(&dir, &rtux, &["new", "shop"]);
    assert!(said.contains("Your app is ready"), "{said}");
    let app = dir.join("shop");
    let manifest = std::fs::read_to_string(app.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains(&format!("\nrtux = \"{version}\"\n")),
        "an installed CLI depends on the published rtux:\n{manifest}"
    );
    std::fs::copy(&lock, app.join("Cargo.lock")).expect("lock");
    let mut build = vec!["build", "--quiet"];
    build.extend(patches.iter().map(String::as_str));
    run(&app, cargo, &build);
    let _ = std::fs::remove_dir_all(&dir);
}
