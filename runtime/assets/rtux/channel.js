// rtux.js, channel: A channel: one topic joined on the socket, its handlers and pushes.

// The answer to a push that could not be sent: "offline" is not a final
// answer (the outbox sends the op again), unlike a refusal.
export const offlineReply = (reason) => ({ status: "error", response: { code: "offline", reason } });

export class Channel {
  constructor(socket, topic, params) {
    this.socket = socket;
    this.topic = topic;
    this.params = params;
    // Event name → the functions called with its payloads.
    this.handlers = {};
    // The ref of the current join: replies and broadcasts of an older join are not ours.
    this.joinRef = null;
    this.joined = false;
  }

  on(event, fn) {
    (this.handlers[event] ||= []).push(fn);
    // A view that shares a channel already joined still hears of the join.
    if (event === "joined" && this.joined) queueMicrotask(() => fn(this.joinedWith));
    return this;
  }

  emit(event, payload) {
    (this.handlers[event] || []).forEach((fn) => fn(payload));
  }

  // Joins (again, after a reconnect): "joined" with the server's reply, or "refused".
  join() {
    this.joinRef = this.socket.ref();
    this.joined = false;
    return this.socket.send([this.joinRef, this.joinRef, this.topic, "phx_join", this.params])
      .then((reply) => {
        this.joined = reply.status === "ok";
        this.joinedWith = reply.response;
        this.emit(this.joined ? "joined" : "refused", reply.response);
        return reply;
      });
  }

  push(event, payload) {
    if (!this.joined) return Promise.resolve(offlineReply("not connected"));
    return this.socket.send([this.joinRef, this.socket.ref(), this.topic, event, payload]);
  }
}
