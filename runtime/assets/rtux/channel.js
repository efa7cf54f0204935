// rtux.js, channel: A channel: one topic joined on the socket, its handlers and pushes.
class Channel {
  constructor(socket, topic, params) {
    Object.assign(this, { socket, topic, params, handlers: {}, joinRef: null, joined: false });
  }
  on(event, fn) {
    (this.handlers[event] ||= []).push(fn);
    // A view that shares a channel already joined still hears of the join.
    if (event === "joined" && this.joined) queueMicrotask(() => fn(this.joinedWith));
    return this;
  }
  emit(event, payload) { (this.handlers[event] || []).forEach((fn) => fn(payload)); }
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
    if (!this.joined) return Promise.resolve({ status: "error", response: { code: "offline", reason: "not connected" } });
    return this.socket.send([this.joinRef, this.socket.ref(), this.topic, event, payload]);
  }
}
