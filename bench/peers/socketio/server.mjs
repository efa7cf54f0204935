// socket.io 4.8 as its docs recommend for production ("Performance tuning"):
// bufferutil and utf-8-validate installed for ws, the HTTP request of each
// connection dropped once connected, no client bundle served, no
// per-message compression. One room; a `shout` goes to everyone else in it
// (as rtux's broadcast_from), an `ask` is answered through its ack.
// Prints its address, as the benchmark's other servers do.
import { createServer } from "node:http";
import { Server } from "socket.io";

const ROOM = "bench:fanout";
const http = createServer();
const io = new Server(http, {
  serveClient: false,
  perMessageDeflate: false,
  // Liveness only: the benchmark's idle clients do not answer pings, so
  // pings come every 5 minutes instead of 25 s (as for every peer).
  pingInterval: 300000,
  pingTimeout: 60000,
});
io.engine.on("connection", (raw) => { raw.request = null; });
io.on("connection", (socket) => {
  socket.join(ROOM);
  socket.on("shout", (payload) => socket.to(ROOM).emit("shout", payload));
  socket.on("ask", (payload, ack) => { if (typeof ack === "function") ack(payload); });
});
// The same queue of connections not yet accepted as every server of the
// benchmark (rtux::BACKLOG; Node's default is 511).
http.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const { address, port } = http.address();
  console.log(`${address}:${port}`);
});
