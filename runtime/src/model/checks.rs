//! Checks a `validate` function runs on a record's fields, refusing beside
//! the field in plain words (what `rtux gen resource` writes for its types).

use crate::action::Reject;

/// Checks a text field: not blank when `required`, at most `max_chars`
/// characters.
///
/// # Errors
/// The refusal, naming `field`: "This is required." or "Use at most 200
/// characters (this has 214)."
///
/// ```
/// use rtux::model::check_text;
/// assert!(check_text("title", "Plan", true, 200).is_ok());
/// let blank = check_text("title", "   ", true, 200).unwrap_err();
/// assert_eq!((blank.field_name(), blank.reason()), (Some("title"), "This is required."));
/// let long = check_text("notes", &"x".repeat(12), false, 10).unwrap_err();
/// assert_eq!(long.reason(), "Use at most 10 characters (this has 12).");
/// ```
pub fn check_text(
    field: &str,
    value: &str,
    required: bool,
    max_chars: usize,
) -> Result<(), Reject> {
    if required && value.trim().is_empty() {
        return Err(Reject::field(field, "This is required."));
    }
    let count = value.chars().count();
    if count > max_chars {
        return Err(Reject::field(
            field,
            format!("Use at most {max_chars} characters (this has {count})."),
        ));
    }
    Ok(())
}
