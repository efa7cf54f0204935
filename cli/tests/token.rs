//! `rtux token` as a user runs it.

use std::process::Command;

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn rtux(args: &[&str], secret: Option<&str>) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rtux"));
    cmd.args(args).env_remove("RTUX_SECRET");
    if let Some(s) = secret {
        cmd.env("RTUX_SECRET", s);
    }
    let out = cmd.output().expect("rtux runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn issues_a_token_the_endpoint_accepts() {
    let (ok, stdout, stderr) = rtux(
        &["token", "--user", "alice", "--name", "Alice", "--ttl", "2h"],
        Some(SECRET),
    );
    assert!(ok, "{stderr}");
    let claims = rtux::auth::Tokens::new(SECRET.as_bytes())
        .expect("secret")
        .verify(stdout.trim())
        .expect("a valid token");
    assert_eq!(claims.sub, "alice");
    assert_eq!(claims.name.as_deref(), Some("Alice"));
    assert_eq!(claims.exp - claims.iat, 7200);
    assert_eq!(
        stderr.trim(),
        "Token for \"alice\", valid for 2h. Connect with /socket/websocket?vsn=2.0.0&token=<the token above>."
    );
}

#[test]
fn says_how_to_fix_a_missing_or_short_secret() {
    let (ok, stdout, stderr) = rtux(&["token", "--user", "alice"], None);
    assert!(!ok && stdout.is_empty());
    assert!(stderr.contains("set RTUX_SECRET"), "{stderr}");
    let (ok, _, stderr) = rtux(&["token", "--user", "alice"], Some("short"));
    assert!(!ok);
    assert!(stderr.contains("use at least 32 random bytes"), "{stderr}");
}

#[test]
fn refuses_bad_arguments() {
    let (ok, _, stderr) = rtux(&["token", "--user", "a", "--ttl", "forever"], Some(SECRET));
    assert!(!ok);
    assert!(
        stderr.contains("invalid value 'forever' for '--ttl <TTL>'"),
        "{stderr}"
    );
    let (ok, _, stderr) = rtux(&["token", "--user", ""], Some(SECRET));
    assert!(!ok);
    assert!(stderr.contains("--user must be 1 to 256 bytes"), "{stderr}");
}
