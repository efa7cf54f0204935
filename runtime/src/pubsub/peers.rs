//! The other nodes a pub/sub spans, as a layer that keeps a replica on each
//! node sees them: presence finds them through [`PubSub::peers`], whatever
//! the pub/sub is.

use std::sync::Weak;
use std::time::Duration;

use super::{NodeId, PubSub};

/// What a layer with a replica on each node registers to hear the others
/// (presence does).
pub trait Member: Send + Sync {
    /// A control message from another node.
    fn control(&self, from: NodeId, body: &[u8]);
    /// The node is (again) connected to the others: messages may have been
    /// lost, so the member asks for their state again.
    fn connected(&self);
}

/// The nodes of a pub/sub that spans more than one ([`Cluster`] does): this
/// node's id, how often nodes say they are alive, and control messages
/// between one [`Member`] on each node.
///
/// ```
/// use rtux::pubsub::{LocalPubSub, PubSub};
/// // One node alone has no peers: presence keeps no replica of others.
/// assert!(LocalPubSub::default().peers().is_none());
/// ```
///
/// [`Cluster`]: crate::cluster::Cluster
pub trait Peers: Send + Sync {
    /// This node's id (new at every start).
    fn node(&self) -> NodeId;
    /// How often each node tells the others it is alive (and how far along
    /// its changes are).
    fn heartbeat(&self) -> Duration;
    /// How long a node stays silent before its members' state is dropped.
    fn node_timeout(&self) -> Duration;
    /// Registers the member that hears control messages (one per node).
    fn join(&self, member: Weak<dyn Member>);
    /// Sends a control message to the member of every other node.
    fn send_control(&self, body: &[u8]);
}

/// This node's id on `pubsub`, if it spans more than one node.
pub(crate) fn node_of(pubsub: &dyn PubSub) -> Option<NodeId> {
    pubsub.peers().map(Peers::node)
}
