use serde_json::{Value, json};

use super::Code;

/// The status of a `phx_reply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The push succeeded.
    Ok,
    /// The push was refused; the response says why.
    Error,
}

impl Status {
    /// The status as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
        }
    }
}

/// What a channel handler answers to a client's push.
///
/// ```
/// use rtux::{Reply, wire::Code};
/// use serde_json::json;
///
/// let ok = Reply::ok(json!({"id": 7}));
/// let refused = Reply::refuse(Code::Invalid, "title can't be blank");
/// assert_eq!(refused, Reply::Error(json!({"code": "invalid", "reason": "title can't be blank"})));
/// # let _ = ok;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Reply `{status: "ok", response}`.
    Ok(Value),
    /// Reply `{status: "error", response}`.
    Error(Value),
    /// Send no reply (the client's push will time out if it waits for one).
    NoReply,
}

impl Reply {
    /// An ok reply with this response.
    pub fn ok(response: Value) -> Reply {
        Reply::Ok(response)
    }

    /// An error reply with a machine code beside the reason:
    /// `{"code": code, "reason": reason}` (what rtux's own refusals send).
    ///
    /// ```
    /// use rtux::{Reply, wire::Code};
    /// use serde_json::json;
    ///
    /// let refused = Reply::refuse(Code::NotFound, "no such record");
    /// assert_eq!(refused, Reply::Error(json!({"code": "not_found", "reason": "no such record"})));
    /// assert_eq!(refused.code(), Some(Code::NotFound.as_str()));
    /// ```
    pub fn refuse(code: Code, reason: impl Into<String>) -> Reply {
        Reply::Error(json!({ "code": code, "reason": reason.into() }))
    }

    /// The code of an error reply, if it has one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Reply::Error(response) => response.get("code").and_then(Value::as_str),
            _ => None,
        }
    }

    /// The status and response of the reply, or `None` for [`Reply::NoReply`].
    pub fn into_parts(self) -> Option<(Status, Value)> {
        match self {
            Reply::Ok(v) => Some((Status::Ok, v)),
            Reply::Error(v) => Some((Status::Error, v)),
            Reply::NoReply => None,
        }
    }
}
