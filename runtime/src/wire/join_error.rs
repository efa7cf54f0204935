//! A refused join, as the client receives it.

use serde_json::{Value, json};

/// A refused join; the client gets `{status: "error", response}`.
///
/// ```
/// use rtux::JoinError;
/// assert_eq!(JoinError::unauthorized().response()["reason"], "unauthorized");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JoinError {
    response: Value,
}

impl JoinError {
    /// A refusal with the response `{"reason": reason}`.
    pub fn new(reason: impl Into<String>) -> JoinError {
        JoinError {
            response: json!({ "reason": reason.into() }),
        }
    }

    /// The usual refusal: `{"reason": "unauthorized"}`.
    pub fn unauthorized() -> JoinError {
        JoinError::new("unauthorized")
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
