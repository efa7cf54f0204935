//! Edits to a user's files at marker comments, idempotent and refusing when a
//! marker is gone.

use super::ScaffoldError;

/// Inserts `line` (one or more lines) before the line holding `marker`,
/// indented like it, unless `line` is in `content` already.
///
/// # Errors
/// The marker is not in the file: the user moved or removed it.
pub(crate) fn insert_before(
    content: &str,
    file: &str,
    marker: &str,
    line: &str,
) -> Result<String, ScaffoldError> {
    let Some(at) = content.find(marker) else {
        return Err(ScaffoldError::NoMarker {
            file: file.to_owned(),
            marker: marker.to_owned(),
            line: line.to_owned(),
        });
    };
    if content.contains(line.trim()) {
        return Ok(content.to_owned());
    }
    let start = content[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = content[start..at]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let mut out = String::with_capacity(content.len() + line.len() + indent.len() + 1);
    out.push_str(&content[..start]);
    for l in line.lines() {
        out.push_str(&indent);
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&content[start..]);
    Ok(out)
}

/// The README of an app, with `line` added at its `<!-- rtux:readme-pages`
/// marker and every line starting with one of `stale` removed. A README is
/// the team's own prose: without the marker it is left as it is.
pub(crate) fn readme(content: &str, line: &str, stale: &[&str]) -> String {
    let kept: String = content
        .lines()
        .filter(|l| !stale.iter().any(|s| l.starts_with(s)))
        .map(|l| format!("{l}\n"))
        .collect();
    insert_before(&kept, "README.md", "<!-- rtux:readme-pages", line).unwrap_or(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_once_with_the_marker_indent() {
        let src = "fn f() {\n    a();\n    // rtux:x\n}\n";
        let once = insert_before(src, "f.rs", "// rtux:x", "b();").expect("marker");
        assert_eq!(once, "fn f() {\n    a();\n    b();\n    // rtux:x\n}\n");
        assert_eq!(
            insert_before(&once, "f.rs", "// rtux:x", "b();").expect("marker"),
            once
        );
        assert!(matches!(
            insert_before("fn f() {}", "f.rs", "// rtux:x", "b();"),
            Err(ScaffoldError::NoMarker { file, marker, line })
                if file == "f.rs" && marker == "// rtux:x" && line == "b();"
        ));
    }

    #[test]
    fn a_readme_gets_its_line_and_loses_stale_ones_or_is_left_alone() {
        let src = "# App\n- `/`: home\n<!-- rtux:readme-pages -->\nrtux gen auth   # accounts\n";
        assert_eq!(
            readme(src, "- `/tasks`: tasks", &["rtux gen auth "]),
            "# App\n- `/`: home\n- `/tasks`: tasks\n<!-- rtux:readme-pages -->\n"
        );
        assert_eq!(readme("# Mine\n", "- `/tasks`: tasks", &[]), "# Mine\n");
    }
}
