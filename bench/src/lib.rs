//! Shared by the benchmark programs: percentiles, and writing one program's
//! section of docs/benchmarks.md without touching the others'.

use std::path::Path;

/// The `p`-th percentile (0–100) of sorted samples.
///
/// ```
/// assert_eq!(rtux_bench::percentile(&[1, 2, 3, 4], 50.0), 3);
/// ```
pub fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

const HEADER: &str = "# Benchmarks\n\nWritten by the programs in `bench/`; run one again to refresh its section. \
Ratios matter more than absolute numbers: the machine is shared and noisy.\n";

/// Replaces (or appends) the section `name` of the Markdown file at `path`,
/// between `<!-- name:start -->` and `<!-- name:end -->`.
///
/// # Errors
/// The file cannot be read or written.
pub fn write_section(path: &Path, name: &str, markdown: &str) -> std::io::Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| HEADER.to_owned());
    let (start, end) = (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    );
    let block = format!("{start}\n{}\n{end}", markdown.trim_end());
    let updated = match (existing.find(&start), existing.find(&end)) {
        (Some(s), Some(e)) if e > s => {
            format!("{}{block}{}", &existing[..s], &existing[e + end.len()..])
        }
        _ => format!("{}\n{block}\n", existing.trim_end()),
    };
    std::fs::write(path, updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_replaced_in_place() {
        let path = std::env::temp_dir().join(format!("rtux-bench-{}.md", std::process::id()));
        let _ = std::fs::remove_file(&path);
        write_section(&path, "a", "A1").expect("write");
        write_section(&path, "b", "B1").expect("write");
        write_section(&path, "a", "A2").expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# Benchmarks"));
        assert!(text.contains("<!-- a:start -->\nA2\n<!-- a:end -->"));
        assert!(text.contains("<!-- b:start -->\nB1\n<!-- b:end -->"));
        assert!(!text.contains("A1"));
        assert!(text.find("a:start") < text.find("b:start"));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn percentiles() {
        let s: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&s, 50.0), 51);
        assert_eq!(percentile(&s, 99.0), 99);
        assert_eq!(percentile::<u32>(&[], 50.0), 0);
    }
}
