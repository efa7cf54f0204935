//! The presence storm benchmark at CI scale: a few thousand tracked users join
//! one topic at once; every client's presence converges, no socket is closed by
//! a bound, and the server's memory grows linearly with the room.

use std::process::Command;

use serde_json::Value;

#[test]
fn thousands_of_tracked_users_converge_unclosed_in_memory_linear_in_the_room() {
    // 2,500 sockets on each side: the open-files limit raised to the hard limit.
    let out = Command::new("sh")
        .args([
            "-c",
            r#"ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@""#,
        ])
        .arg(env!("CARGO_BIN_EXE_presence_storm"))
        .args(["--users", "1250,2500", "--concurrency", "128", "--json"])
        .output()
        .expect("run presence_storm");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "presence_storm failed:\n{stderr}");
    eprintln!("{stderr}");
    let rounds: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(rounds.len(), 2);
    let kib = |r: &Value, k: &str| r[k].as_f64().expect(k);
    for r in &rounds {
        assert_eq!(r["closed"], 0, "no socket closed by a bound: {r}");
        let converged = r["converged_after_ms"].as_f64();
        assert!(
            converged.is_some_and(|ms| ms <= 3_000.0),
            "every client shows every user within 3 s of the last join: {r}"
        );
        assert!(
            kib(r, "rss_peak_kib") <= 2.0 * kib(r, "rss_steady_kib"),
            "the storm's peak is at most twice the steady state: {r}"
        );
    }
    let (small, large) = (&rounds[0], &rounds[1]);
    let added = kib(large, "rss_steady_kib") - kib(small, "rss_steady_kib");
    let per_user = added / 1250.0;
    assert!(
        per_user <= 24.0,
        "each user past the first 1,250 costs {per_user:.1} KiB (linear, near the 16 KiB target; debug build)"
    );
}
