//! A refused join, as the client receives it.

use serde_json::{Value, json};

use super::Code;

/// A refused join; the client gets `{status: "error", response}`, the
/// response `{"code": …, "reason": …}` (branch on the code, show the reason).
///
/// ```
/// use rtux::JoinError;
/// use rtux::wire::Code;
/// let r = JoinError::unauthorized();
/// assert_eq!((&r.response()["code"], &r.response()["reason"]), (&"unauthorized".into(), &"unauthorized".into()));
/// let r = JoinError::new(Code::Unauthorized, "sign in to see this");
/// assert_eq!(r.response()["reason"], "sign in to see this");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JoinError {
    response: Value,
}

impl JoinError {
    /// A refusal with the response `{"code": code, "reason": reason}`.
    pub fn new(code: Code, reason: impl Into<String>) -> JoinError {
        JoinError {
            response: json!({ "code": code, "reason": reason.into() }),
        }
    }

    /// The usual refusal: `{"code": "unauthorized", "reason": "unauthorized"}`.
    pub fn unauthorized() -> JoinError {
        JoinError::new(Code::Unauthorized, "unauthorized")
    }

    /// A refusal with any response value.
    pub fn with_response(response: Value) -> JoinError {
        JoinError { response }
    }

    /// The response sent to the client.
    pub fn response(&self) -> &Value {
        &self.response
    }
}
