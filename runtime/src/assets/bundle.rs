//! rtux.js as served: its modules (one concern each, in
//! `runtime/assets/rtux/`) joined into one script, and both files without
//! their comments and indentation. No build step: this runs once, in the
//! server, on the sources compiled in.

use std::sync::OnceLock;

/// The modules of rtux.js, in the order they are served: each sees what the
/// ones before it define (they share one function scope).
const MODULES: [(&str, &str); 15] = [
    ("core", include_str!("../../assets/rtux/core.js")),
    ("channel", include_str!("../../assets/rtux/channel.js")),
    ("socket", include_str!("../../assets/rtux/socket.js")),
    ("toast", include_str!("../../assets/rtux/toast.js")),
    ("presence", include_str!("../../assets/rtux/presence.js")),
    (
        "optimistic",
        include_str!("../../assets/rtux/optimistic.js"),
    ),
    ("patches", include_str!("../../assets/rtux/patches.js")),
    ("outbox", include_str!("../../assets/rtux/outbox.js")),
    ("sortable", include_str!("../../assets/rtux/sortable.js")),
    ("resource", include_str!("../../assets/rtux/resource.js")),
    ("forms", include_str!("../../assets/rtux/forms.js")),
    ("refs", include_str!("../../assets/rtux/refs.js")),
    ("live", include_str!("../../assets/rtux/live.js")),
    ("loading", include_str!("../../assets/rtux/loading.js")),
    ("start", include_str!("../../assets/rtux/start.js")),
];

const CSS: &str = include_str!("../../assets/rtux.css");

/// The served script: every module inside one strict function scope.
pub(super) fn script() -> &'static str {
    static JS: OnceLock<String> = OnceLock::new();
    JS.get_or_init(|| {
        let mut js = String::from("(() => {\n\"use strict\";\n");
        for (_, source) in MODULES {
            js.push_str(&compact_js(source));
        }
        js.push_str("})();\n");
        js
    })
}

/// The served stylesheet.
pub(super) fn stylesheet() -> &'static str {
    static CSS_SERVED: OnceLock<String> = OnceLock::new();
    CSS_SERVED.get_or_init(|| compact_css(CSS))
}

/// A module without its comment lines and indentation, one statement line
/// per line (so automatic semicolons fall where they did). The modules hold
/// no multi-line template literal or string, where this would change text:
/// a test checks.
fn compact_js(source: &str) -> String {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .fold(String::new(), |mut js, line| {
            js.push_str(line);
            js.push('\n');
            js
        })
}

/// The stylesheet without its comments and indentation.
fn compact_css(source: &str) -> String {
    let mut css = String::new();
    let mut rest = source;
    while let Some(start) = rest.find("/*") {
        css.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    css.push_str(rest);
    css.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .fold(String::new(), |mut out, line| {
            out.push_str(line);
            out.push('\n');
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_module_has_text_spanning_lines_that_compacting_would_change() {
        for (name, source) in MODULES {
            for (i, line) in source.lines().enumerate() {
                assert!(
                    line.matches('`').count() % 2 == 0,
                    "{name}.js:{}: a template literal spans lines; compacting would change its text",
                    i + 1
                );
                assert!(
                    !line.trim_end().ends_with('\\'),
                    "{name}.js:{}: a string continues on the next line",
                    i + 1
                );
            }
            assert!(
                source.starts_with(&format!("// rtux.js, {name}: ")),
                "{name}.js starts by saying what it does"
            );
        }
    }

    #[test]
    fn compacting_drops_comments_and_indentation_only() {
        let js =
            "// a module\nconst a = 1;\n  // why\n  if (a) {\n    f(\"// not a comment\");\n  }\n";
        assert_eq!(
            compact_js(js),
            "const a = 1;\nif (a) {\nf(\"// not a comment\");\n}\n"
        );
        let css = "/* the banner */\n.a { color: red; }\n  .b {\n    top: 0; /* why */\n  }\n";
        assert_eq!(compact_css(css), ".a { color: red; }\n.b {\ntop: 0;\n}\n");
    }
}
