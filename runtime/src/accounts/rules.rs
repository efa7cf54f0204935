//! What a sign-up or sign-in form must hold, and the words that say what is
//! wrong, field by field.

use crate::auth::{MAX_NAME_CHARS, clean_name};

/// Fewest characters in a password. NIST SP 800-63B asks for 15 where the
/// password is the only factor and 8 beside a second one; OWASP's floor is 8.
/// Twelve sits between, with no composition rules (they do not help).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters in a password (NIST: allow at least 64). Longer ones are
/// refused before hashing, so a huge form cannot cost the server much.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Most characters in an email (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// One thing wrong with one field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The form field's name: `email`, `name` or `password`.
    pub field: &'static str,
    /// What is wrong and how to fix it, for the person filling the form.
    pub message: String,
}

impl Problem {
    fn new(field: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            field,
            message: message.into(),
        }
    }
}

/// An email as accounts are keyed by it: trimmed and lowercased.
pub(crate) fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What is wrong with an email typed into a sign-up form.
pub(crate) fn email(email: &str) -> Option<Problem> {
    let problem = |m: &str| Some(Problem::new("email", m));
    if email.is_empty() {
        return problem("Enter your email address.");
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return problem("This email address is too long (254 characters at most).");
    }
    let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if well_formed {
        None
    } else {
        problem("Enter an email address like ana@example.com.")
    }
}

/// The display name to keep, or what is wrong with it.
pub(crate) fn name(name: &str) -> Result<String, Problem> {
    let clean = clean_name(name);
    if clean.is_empty() {
        return Err(Problem::new(
            "name",
            "Enter your name: the others see it beside what you do.",
        ));
    }
    if name.trim().chars().count() > MAX_NAME_CHARS {
        return Err(Problem::new(
            "name",
            format!("Use a shorter name ({MAX_NAME_CHARS} characters at most)."),
        ));
    }
    Ok(clean)
}

/// What is wrong with a new password.
pub(crate) fn password(password: &str, email: &str) -> Option<Problem> {
    let chars = password.chars().count();
    let problem = |m: String| Some(Problem::new("password", m));
    if password.trim().is_empty() && chars > 0 {
        problem("A password of spaces alone is easy to guess: use a few words.".into())
    } else if chars < MIN_PASSWORD_CHARS {
        problem(format!(
            "Use a password of at least {MIN_PASSWORD_CHARS} characters (a few words make a good one)."
        ))
    } else if chars > MAX_PASSWORD_CHARS {
        problem(format!(
            "Use a password of at most {MAX_PASSWORD_CHARS} characters."
        ))
    } else if normalize_email(password) == email {
        problem("Use a password other than your email address.".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape_only() {
        assert_eq!(email("ana@example.com"), None);
        assert_eq!(email("a.b+c@mail.example.org"), None);
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana@.com",
            "a na@example.com",
        ] {
            assert!(email(bad).is_some(), "{bad:?}");
        }
        assert!(email(&format!("{}@example.com", "a".repeat(250))).is_some());
        assert_eq!(normalize_email("  Ana@Example.COM "), "ana@example.com");
    }

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(name("  Ana \u{7} Lee ").as_deref(), Ok("Ana Lee"));
        assert_eq!(name(" \n ").map_err(|p| p.field), Err("name"));
        assert!(name(&"x".repeat(41)).is_err());
    }

    #[test]
    fn passwords_are_long_enough_and_not_the_email() {
        assert!(password("short", "a@b.c").is_some());
        assert!(password(&"x".repeat(129), "a@b.c").is_some());
        assert!(password("ana@example.com", "ana@example.com").is_some());
        assert!(password(&" ".repeat(12), "a@b.c").is_some_and(|p| p.message.contains("spaces")));
        assert!(password(&"\t ".repeat(8), "a@b.c").is_some());
        assert_eq!(password("correct horse battery", "a@b.c"), None);
    }
}
