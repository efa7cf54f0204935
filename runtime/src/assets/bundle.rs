//! rtux.js and rtux.css as served, built by esbuild: the ES modules in
//! `runtime/assets/rtux/` (from `index.js`) bundled into one minified, strict
//! IIFE, and `runtime/assets/rtux.css` minified. The build
//! (`npm run --prefix runtime/assets build`, esbuild pinned in
//! `runtime/assets/package.json`) writes `runtime/assets/dist/`, which is
//! checked in: the crate builds without Node, and CI builds it again and fails
//! if it differs from the sources.

/// The served script.
pub(super) fn script() -> &'static str {
    include_str!("../../assets/dist/rtux.js")
}

/// The served stylesheet.
pub(super) fn stylesheet() -> &'static str {
    include_str!("../../assets/dist/rtux.css")
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    #[test]
    fn every_module_starts_by_saying_what_it_does() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rtux");
        let mut modules = 0;
        for entry in fs::read_dir(dir).expect("runtime/assets/rtux") {
            let path = entry.expect("a module").path();
            if path.extension().and_then(|e| e.to_str()) != Some("js") {
                continue;
            }
            let source = fs::read_to_string(&path).expect("a module's text");
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a module's name");
            assert!(
                source.starts_with(&format!("// rtux.js, {name}: ")),
                "{name}.js starts by saying what it does"
            );
            modules += 1;
        }
        assert!(
            modules > 1,
            "rtux.js has its modules in runtime/assets/rtux"
        );
    }
}
