use serde_json::Value;

/// One decoded client frame.
///
/// ```
/// use rtux::wire::Frame;
///
/// let frame = Frame::decode(r#"["1","2","room:lobby","phx_join",{}]"#).unwrap();
/// assert_eq!(frame.topic, "room:lobby");
/// assert_eq!(frame.msg_ref.as_deref(), Some("2"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The ref of the join this frame belongs to (`null` for socket-level frames).
    pub join_ref: Option<String>,
    /// The ref the reply must carry (`null` when no reply is expected).
    pub msg_ref: Option<String>,
    /// The topic, such as `doc:42` or `phoenix`.
    pub topic: String,
    /// The event name, such as `phx_join` or an application event.
    pub event: String,
    /// The payload: any JSON value.
    pub payload: Value,
}

/// A frame that could not be decoded, with what could be read of it.
///
/// `msg_ref` and `topic` are filled in when the frame was an array whose ref and
/// topic were readable, so the error can be sent as a reply to that push.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    /// The ref of the push, when it could be read.
    pub msg_ref: Option<String>,
    /// The join ref of the push, when it could be read.
    pub join_ref: Option<String>,
    /// The topic of the push, when it could be read.
    pub topic: Option<String>,
    /// What is wrong, in words meant for the client's developer.
    pub reason: String,
}

impl Frame {
    /// Decodes a text frame. Refs may be strings or `null`; topic and event must be
    /// strings; the array must have exactly five elements.
    ///
    /// # Errors
    /// A [`Malformed`] saying what is wrong, carrying the ref and topic if readable.
    pub fn decode(text: &str) -> Result<Frame, Malformed> {
        // A well-formed frame reads straight into its parts; anything else is
        // read again as JSON, to say what is wrong with it.
        type Parts = (Option<String>, Option<String>, String, String, Value);
        if let Ok((join_ref, msg_ref, topic, event, payload)) = serde_json::from_str::<Parts>(text)
        {
            return Ok(Frame {
                join_ref,
                msg_ref,
                topic,
                event,
                payload,
            });
        }
        let value: Value = serde_json::from_str(text).map_err(|e| Malformed {
            msg_ref: None,
            join_ref: None,
            topic: None,
            reason: format!("frame is not valid JSON: {e}"),
        })?;
        let Value::Array(mut items) = value else {
            return Err(Malformed::bare(
                "frame must be a JSON array [join_ref, ref, topic, event, payload]",
            ));
        };
        let join_ref = optional_ref(items.first());
        let msg_ref = optional_ref(items.get(1));
        let topic = items.get(2).and_then(Value::as_str).map(str::to_owned);
        let fail = |reason: String| Malformed {
            msg_ref: msg_ref.clone().flatten(),
            join_ref: join_ref.clone().flatten(),
            topic: topic.clone(),
            reason,
        };
        if items.len() != 5 {
            return Err(fail(format!(
                "frame must have 5 elements [join_ref, ref, topic, event, payload], got {}",
                items.len()
            )));
        }
        let (Some(join_ref), Some(msg_ref)) = (join_ref.clone(), msg_ref.clone()) else {
            return Err(fail("join_ref and ref must be strings or null".into()));
        };
        let Some(topic) = topic.clone() else {
            return Err(fail("topic must be a string".into()));
        };
        let payload = items.pop().unwrap_or(Value::Null);
        let Some(Value::String(event)) = items.pop() else {
            return Err(fail("event must be a string".into()));
        };
        Ok(Frame {
            join_ref,
            msg_ref,
            topic,
            event,
            payload,
        })
    }
}

impl Malformed {
    fn bare(reason: &str) -> Malformed {
        Malformed {
            msg_ref: None,
            join_ref: None,
            topic: None,
            reason: reason.to_owned(),
        }
    }
}

/// `Some(Some(s))` for a string, `Some(None)` for null, `None` for anything else.
fn optional_ref(value: Option<&Value>) -> Option<Option<String>> {
    match value {
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(Value::Null) => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_a_push() {
        let frame = Frame::decode(r#"["1","7","doc:1","save",{"a":1}]"#).expect("valid");
        assert_eq!(frame.join_ref.as_deref(), Some("1"));
        assert_eq!(frame.msg_ref.as_deref(), Some("7"));
        assert_eq!(frame.event, "save");
        assert_eq!(frame.payload, json!({"a": 1}));
    }

    #[test]
    fn null_refs_are_allowed() {
        let frame = Frame::decode(r#"[null,null,"phoenix","heartbeat",{}]"#).expect("valid");
        assert_eq!(frame.join_ref, None);
        assert_eq!(frame.msg_ref, None);
    }

    #[test]
    fn not_json_is_malformed_without_context() {
        let err = Frame::decode("[1,").expect_err("invalid");
        assert!(
            err.reason.starts_with("frame is not valid JSON"),
            "{}",
            err.reason
        );
        assert_eq!(err.msg_ref, None);
    }

    #[test]
    fn not_an_array_is_malformed() {
        let err = Frame::decode(r#"{"topic":"x"}"#).expect_err("invalid");
        assert!(err.reason.contains("JSON array"));
    }

    #[test]
    fn wrong_arity_keeps_ref_and_topic_for_the_reply() {
        let err = Frame::decode(r#"["1","9","doc:1","save"]"#).expect_err("invalid");
        assert_eq!(err.msg_ref.as_deref(), Some("9"));
        assert_eq!(err.topic.as_deref(), Some("doc:1"));
        assert!(err.reason.contains("got 4"), "{}", err.reason);
        let err = Frame::decode(r#"["1","9","doc:1","save",{},{}]"#).expect_err("invalid");
        assert!(err.reason.contains("got 6"), "{}", err.reason);
    }

    #[test]
    fn wrong_types_are_named() {
        let err = Frame::decode(r#"["1",2,"doc:1","save",{}]"#).expect_err("invalid");
        assert!(err.reason.contains("ref"), "{}", err.reason);
        let err = Frame::decode(r#"["1","2",3,"save",{}]"#).expect_err("invalid");
        assert!(err.reason.contains("topic"), "{}", err.reason);
        assert_eq!(err.msg_ref.as_deref(), Some("2"));
        let err = Frame::decode(r#"["1","2","t",false,{}]"#).expect_err("invalid");
        assert!(err.reason.contains("event"), "{}", err.reason);
    }
}
