//! A plan of file changes: printed for `--dry-run`, written otherwise. Every
//! file's content is known before the first write, so an error writes nothing.

use std::path::{Path, PathBuf};

use super::ScaffoldError;

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Create,
    Modify,
}

/// One file of a plan.
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) path: PathBuf,
    pub(crate) content: String,
    pub(crate) change: Change,
}

/// File changes under a root.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) root: PathBuf,
    pub(crate) steps: Vec<Step>,
}

/// What writing a plan did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub(crate) created: Vec<PathBuf>,
    pub(crate) modified: Vec<PathBuf>,
    /// Files that exist with other content, left as they are (`--force`).
    pub(crate) kept: Vec<PathBuf>,
    pub(crate) unchanged: Vec<PathBuf>,
}

impl Plan {
    pub(crate) fn new(root: &Path) -> Plan {
        Plan {
            root: root.to_path_buf(),
            steps: Vec::new(),
        }
    }

    pub(crate) fn create(&mut self, path: impl Into<PathBuf>, content: String) {
        self.steps.push(Step {
            path: path.into(),
            content,
            change: Change::Create,
        });
    }

    pub(crate) fn modify(&mut self, path: impl Into<PathBuf>, content: String) {
        self.steps.push(Step {
            path: path.into(),
            content,
            change: Change::Modify,
        });
    }

    /// The plan as `--dry-run` prints it.
    pub(crate) fn describe(&self) -> String {
        let mut out = format!("Would write in {}:\n", self.root.display());
        for s in &self.steps {
            let verb = match s.change {
                Change::Create => "create",
                Change::Modify => "modify",
            };
            out.push_str(&format!("  {verb:<7} {}\n", s.path.display()));
        }
        out.push_str("Nothing was written (--dry-run).\n");
        out
    }

    /// Writes the plan. A file to create that exists with other content is an
    /// error, or with `keep_existing` is left alone and reported.
    ///
    /// # Errors
    /// A file in the way, or a write that fails (with the path).
    pub(crate) fn write(&self, keep_existing: bool) -> Result<Written, ScaffoldError> {
        let mut written = Written::default();
        for s in &self.steps {
            let full = self.root.join(&s.path);
            if s.change == Change::Create && full.exists() {
                let same = std::fs::read_to_string(&full).is_ok_and(|c| c == s.content);
                if same {
                    written.unchanged.push(s.path.clone());
                    continue;
                }
                if keep_existing {
                    written.kept.push(s.path.clone());
                    continue;
                }
                return Err(ScaffoldError::Exists(full));
            }
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).map_err(|source| ScaffoldError::CreateDir {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&full, &s.content).map_err(|source| ScaffoldError::Write {
                path: full.clone(),
                source,
            })?;
            match s.change {
                Change::Create => written.created.push(s.path.clone()),
                Change::Modify => written.modified.push(s.path.clone()),
            }
        }
        Ok(written)
    }

    /// Checks, before anything is written, that no file to create is in the way.
    ///
    /// # Errors
    /// The files in the way.
    pub(crate) fn check_free(&self) -> Result<(), ScaffoldError> {
        let taken: Vec<String> = self
            .steps
            .iter()
            .filter(|s| s.change == Change::Create)
            .map(|s| self.root.join(&s.path))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if taken.is_empty() {
            Ok(())
        } else {
            Err(ScaffoldError::Taken(taken))
        }
    }
}

impl Written {
    /// The summary printed after a write.
    pub(crate) fn describe(&self) -> String {
        let mut out = String::new();
        let mut list = |title: &str, paths: &[PathBuf]| {
            if !paths.is_empty() {
                out.push_str(&format!("{title}:\n"));
                for p in paths {
                    out.push_str(&format!("  {}\n", p.display()));
                }
            }
        };
        list("Created", &self.created);
        list("Modified", &self.modified);
        list(
            "Kept as they were (yours differ from the template; delete one to get it again)",
            &self.kept,
        );
        list("Already up to date", &self.unchanged);
        out
    }
}
