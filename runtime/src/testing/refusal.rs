//! Asserting a refusal by its code, never by its wording.

use serde_json::Value;

use crate::wire::Code;

/// Asserts that `answer` is a refusal with `code` and a reason a person can
/// read, and returns the reason. `answer` is a whole reply (`{status,
/// response}`, whose status must be `error`) or the error's payload itself (a
/// reply's `response`, a `phx_error` or a join's refusal). Tests branch on the
/// code, so rewording a reason breaks none of them.
///
/// # Panics
/// If `answer` is an ok reply, carries another code or none, or has no
/// non-empty `reason`.
///
/// ```
/// use rtux::testing::refused;
/// use rtux::wire::Code;
/// use serde_json::json;
///
/// let reply = json!({"status": "error", "response": {"code": "stale", "reason": "stale: reload"}});
/// assert_eq!(refused(&reply, Code::Stale), "stale: reload");
/// refused(&reply["response"], Code::Stale);
/// ```
#[track_caller]
pub fn refused(answer: &Value, code: Code) -> &str {
    let payload = match answer.get("status") {
        Some(status) => {
            assert_eq!(
                status, "error",
                "expected a refusal with {code:?}: {answer}"
            );
            &answer["response"]
        }
        None => answer,
    };
    assert_eq!(
        payload["code"],
        code.as_str(),
        "expected the code {:?}: {answer}",
        code.as_str()
    );
    let reason = payload["reason"].as_str().unwrap_or_default();
    assert!(!reason.is_empty(), "a refusal says why: {answer}");
    reason
}
