//! What nodes send each other through the engine: a small binary header (a
//! format byte, the sending node, the kind) and a body. A broadcast carries the
//! client frame already encoded, so each receiving node queues those bytes for
//! its sockets without encoding them again.

use super::NodeId;

/// The first byte of every envelope: its format. Anything else on the channel
/// (another program, another version) is dropped with a log line.
const FORMAT: u8 = 0xA1;
const BROADCAST: u8 = b'B';
const CONTROL: u8 = b'C';
const HEADER: usize = 1 + 16 + 1;

/// One message between nodes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Envelope<'a> {
    /// A frame for every local subscriber of `topic`.
    Broadcast { topic: &'a str, frame: &'a str },
    /// A message for the cluster's members (presence replication).
    Control(&'a [u8]),
}

/// Why bytes from the engine are not an envelope.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BadEnvelope {
    #[error("not an rtux envelope (unknown format byte or too short)")]
    Format,
    #[error("unknown envelope kind {0}")]
    Kind(u8),
    #[error("broadcast topic or frame is cut short or not UTF-8")]
    Broadcast,
}

/// A broadcast's envelope: header, topic length (2 bytes), topic, frame;
/// `None` for a topic over 65,535 bytes (no client can join one that long).
pub(crate) fn broadcast(from: NodeId, topic: &str, frame: &str) -> Option<Vec<u8>> {
    let len = u16::try_from(topic.len()).ok()?;
    let mut out = Vec::with_capacity(HEADER + 2 + topic.len() + frame.len());
    header(&mut out, from, BROADCAST);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(topic.as_bytes());
    out.extend_from_slice(frame.as_bytes());
    Some(out)
}

/// A control message's envelope: header and body.
pub(crate) fn control(from: NodeId, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    header(&mut out, from, CONTROL);
    out.extend_from_slice(body);
    out
}

fn header(out: &mut Vec<u8>, from: NodeId, kind: u8) {
    out.push(FORMAT);
    out.extend_from_slice(&from.0.to_be_bytes());
    out.push(kind);
}

/// Reads an envelope: who sent it and what it is.
pub(crate) fn decode(bytes: &[u8]) -> Result<(NodeId, Envelope<'_>), BadEnvelope> {
    if bytes.len() < HEADER || bytes[0] != FORMAT {
        return Err(BadEnvelope::Format);
    }
    let mut node = [0u8; 16];
    node.copy_from_slice(&bytes[1..17]);
    let from = NodeId(u128::from_be_bytes(node));
    let body = &bytes[HEADER..];
    let envelope = match bytes[17] {
        BROADCAST => {
            let (len, rest) = body.split_at_checked(2).ok_or(BadEnvelope::Broadcast)?;
            let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
            let (topic, frame) = rest.split_at_checked(len).ok_or(BadEnvelope::Broadcast)?;
            let text = |b| std::str::from_utf8(b).map_err(|_| BadEnvelope::Broadcast);
            Envelope::Broadcast {
                topic: text(topic)?,
                frame: text(frame)?,
            }
        }
        CONTROL => Envelope::Control(body),
        other => return Err(BadEnvelope::Kind(other)),
    };
    Ok((from, envelope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_read_back_as_written() {
        let node = NodeId(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        let b = broadcast(node, "doc:é", r#"[null,null,"doc:é","saved",{}]"#).expect("short topic");
        assert_eq!(
            decode(&b),
            Ok((
                node,
                Envelope::Broadcast {
                    topic: "doc:é",
                    frame: r#"[null,null,"doc:é","saved",{}]"#
                }
            ))
        );
        let c = control(node, b"{}");
        assert_eq!(decode(&c), Ok((node, Envelope::Control(b"{}"))));
    }

    #[test]
    fn foreign_or_cut_bytes_are_refused_not_panicked_on() {
        let node = NodeId(7);
        let whole = broadcast(node, "t", "frame").expect("short topic");
        for cut in 0..whole.len() - "frame".len() {
            assert!(decode(&whole[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(
            decode(b"hello from another program"),
            Err(BadEnvelope::Format)
        );
        let mut odd = control(node, b"");
        odd[17] = b'Z';
        assert_eq!(decode(&odd), Err(BadEnvelope::Kind(b'Z')));
        let mut bad_utf8 = broadcast(node, "t", "x").expect("short topic");
        let last = bad_utf8.len() - 1;
        bad_utf8[last] = 0xff;
        assert_eq!(decode(&bad_utf8), Err(BadEnvelope::Broadcast));
        assert_eq!(broadcast(node, &"t".repeat(70_000), "x"), None);
    }
}
