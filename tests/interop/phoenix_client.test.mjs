// Drives an rtux server with the official `phoenix` npm client (ws as transport).
// Started by tests/e2e/interop.rs, which passes:
//   RTUX_URL       ws://127.0.0.1:<port>/socket of a server with default settings
//   RTUX_DROP_URL  the same for a server that drops sockets silent for 1 s
//   RTUX_TOKENS    {"<user>": "<token>", ...}
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Socket, Presence } from "phoenix";
import WebSocket from "ws";

const { RTUX_URL, RTUX_DROP_URL, RTUX_TOKENS } = process.env;
if (!RTUX_URL || !RTUX_DROP_URL || !RTUX_TOKENS) {
  throw new Error("run through `cargo test -p rtux-tests interop`, which starts the servers");
}
const tokens = JSON.parse(RTUX_TOKENS);
const sockets = [];

function connect(user, opts = {}) {
  const { url = RTUX_URL, ...rest } = opts;
  const socket = new Socket(url, {
    transport: WebSocket,
    params: { token: tokens[user] },
    reconnectAfterMs: () => 100,
    rejoinAfterMs: () => 100,
    ...rest,
  });
  socket.connect();
  sockets.push(socket);
  return socket;
}

function join(channel) {
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive("ok", resolve)
      .receive("error", (e) => reject(new Error(`join refused: ${JSON.stringify(e)}`)))
      .receive("timeout", () => reject(new Error("join timed out")));
  });
}

function push(channel, event, payload) {
  return new Promise((resolve) => {
    channel
      .push(event, payload)
      .receive("ok", (response) => resolve({ status: "ok", response }))
      .receive("error", (response) => resolve({ status: "error", response }))
      .receive("timeout", () => resolve({ status: "timeout" }));
  });
}

async function until(what, check, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

after(() => sockets.forEach((s) => s.disconnect()));

test("join and push with replies", async () => {
  const socket = connect("alice");
  const channel = socket.channel("room:interop-push", {});
  const joined = await join(channel);
  assert.deepEqual(joined, { topic: "room:interop-push", user: "alice" });
  assert.deepEqual(await push(channel, "echo", { hello: "world", n: [1, 2] }), {
    status: "ok",
    response: { hello: "world", n: [1, 2] },
  });
  const unknown = await push(channel, "nope", {});
  assert.equal(unknown.status, "error");
  assert.equal(unknown.response.code, "not_found");
  assert.ok(unknown.response.reason.length > 0, "a refusal carries a human reason");
  const refused = await join(socket.channel("room:private-bob", {})).catch((e) => e.message);
  const answer = JSON.parse(refused.replace(/^join refused: /, ""));
  assert.equal(answer.code, "unauthorized");
  assert.ok(answer.reason.length > 0, "a refusal carries a human reason");
});

test("broadcasts reach the other clients", async () => {
  const a = connect("alice").channel("room:interop-shout", { track: false });
  const b = connect("bob").channel("room:interop-shout", { track: false });
  await join(a);
  await join(b);
  const heard = [];
  b.on("shouted", (payload) => heard.push(payload));
  await push(a, "shout", { text: "hi" });
  await until("bob hears alice", () => heard.length === 1);
  assert.deepEqual(heard, [{ text: "hi" }]);
});

test("heartbeats are answered and keep the socket open", async () => {
  const socket = connect("alice", { heartbeatIntervalMs: 150 });
  const replies = [];
  let closed = false;
  socket.onClose(() => (closed = true));
  socket.onMessage((msg) => {
    if (msg.topic === "phoenix" && msg.event === "phx_reply") replies.push(msg.payload.status);
  });
  await until("three heartbeat replies", () => replies.length >= 3);
  assert.ok(replies.every((s) => s === "ok"));
  assert.equal(closed, false);
  assert.ok(socket.isConnected());
});

test("presence across three clients with the package's own Presence", async () => {
  const topic = "room:interop-presence";
  const alice = connect("alice").channel(topic, {});
  const presence = new Presence(alice);
  const joins = [];
  const leaves = [];
  presence.onJoin((key, current) => {
    if (!current) joins.push(key);
  });
  presence.onLeave((key, current) => {
    if (current.metas.length === 0) leaves.push(key);
  });
  await join(alice);
  const bobSocket = connect("bob");
  await join(bobSocket.channel(topic, {}));
  const carolSocket = connect("carol");
  await join(carolSocket.channel(topic, {}));

  const keys = () => presence.list((key) => key).sort();
  await until("three users listed", () => keys().length === 3);
  assert.deepEqual(keys(), ["alice", "bob", "carol"]);
  assert.deepEqual(joins.sort(), ["alice", "bob", "carol"]);
  const [carol] = presence.list((key, { metas }) => (key === "carol" ? metas[0] : null)).filter(Boolean);
  assert.equal(carol.name, "User carol");
  assert.match(carol.color, /^#[0-9A-F]{6}$/);
  assert.equal(typeof carol.phx_ref, "string");

  // A second tab of bob: one key, two metas.
  const bobTab = connect("bob");
  await join(bobTab.channel(topic, {}));
  const bobMetas = () => presence.list((key, { metas }) => (key === "bob" ? metas.length : 0)).reduce((a, b) => a + b, 0);
  await until("bob's two tabs", () => bobMetas() === 2);
  bobTab.disconnect();
  await until("bob back to one tab", () => bobMetas() === 1);
  assert.deepEqual(keys(), ["alice", "bob", "carol"]);

  // Leave on close.
  carolSocket.disconnect();
  await until("carol's leave", () => leaves.includes("carol"));
  assert.deepEqual(keys(), ["alice", "bob"]);
});

test("presence helpers reach the others as meta updates", async () => {
  const topic = "room:interop-typing";
  const watcher = connect("alice").channel(topic, {});
  const presence = new Presence(watcher);
  await join(watcher);
  const bob = connect("bob").channel(topic, {});
  await join(bob);
  const meta = () => presence.list((key, { metas }) => (key === "bob" ? metas[0] : null)).find(Boolean);
  await until("bob listed", () => meta() !== undefined);
  assert.equal((await push(bob, "presence:typing", {})).status, "ok");
  assert.equal((await push(bob, "presence:focus", { field: "title" })).status, "ok");
  await until("bob typing in title", () => meta()?.typing === true && meta()?.active_field === "title");
  assert.equal((await push(bob, "presence:stop_typing", {})).status, "ok");
  await until("bob stopped typing", () => meta()?.typing === false);
});

test("the client rejoins after the server drops its socket", async () => {
  const topic = "room:interop-drop";
  const observer = connect("alice", { url: RTUX_DROP_URL, heartbeatIntervalMs: 200 }).channel(topic, {});
  const presence = new Presence(observer);
  await join(observer);

  // No heartbeats: the server drops this socket after 1 s of silence.
  const socket = connect("dave", { url: RTUX_DROP_URL, heartbeatIntervalMs: 60_000 });
  let closes = 0;
  socket.onClose(() => closes++);
  const channel = socket.channel(topic, {});
  let joinsOk = 0;
  channel.join().receive("ok", () => joinsOk++);
  await until("first join", () => joinsOk === 1);
  await until("dave listed", () => presence.list((k) => k).includes("dave"));
  await until("the server drops the silent socket", () => closes >= 1, 4000);
  await until("the client reconnects and rejoins", () => joinsOk >= 2, 4000);
  await until("dave listed again", () => presence.list((k) => k).includes("dave"));
  assert.equal((await push(channel, "echo", { back: true })).response.back, true);
});
