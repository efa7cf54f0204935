//! A node's identity among the nodes a pub/sub spans.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One process of a cluster, new at every start: a node that restarts is a new
/// node, and the old one's presences leave when it times out.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let cluster = rtux::cluster::Cluster::connect("redis://127.0.0.1:6379", Default::default());
/// # if let Ok(cluster) = cluster {
/// println!("this node is {}", cluster.node());
/// # }
/// # }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u128);

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({self})")
    }
}

impl NodeId {
    /// A fresh id (time-ordered and random, as a UUID v7), for a node at its
    /// start.
    ///
    /// ```
    /// use rtux::pubsub::NodeId;
    /// assert_ne!(NodeId::random(), NodeId::random());
    /// ```
    pub fn random() -> NodeId {
        NodeId(uuid::Uuid::now_v7().as_u128())
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl Serialize for NodeId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NodeId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NodeId, D::Error> {
        let text = <&str>::deserialize(deserializer)?;
        u128::from_str_radix(text, 16)
            .map(NodeId)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_and_read_back_from_json() {
        let (a, b) = (NodeId::random(), NodeId::random());
        assert_ne!(a, b);
        let json = serde_json::to_string(&a).expect("serializes");
        assert_eq!(serde_json::from_str::<NodeId>(&json).expect("reads"), a);
        assert!(serde_json::from_str::<NodeId>("\"not hex\"").is_err());
    }
}
