//! The server's resident memory.

/// Resident memory of a process, in KiB, from `/proc/<pid>/status`.
pub(crate) fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("read /proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS line".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_rss_is_read() {
        assert!(rss_kib(std::process::id()).expect("rss") > 0);
    }
}
