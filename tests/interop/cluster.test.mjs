// The official `phoenix` npm client on three nodes of one cluster. Started by
// tests/e2e/cluster.rs, which passes:
//   RTUX_NODES   ["ws://127.0.0.1:<port>/socket", ...] — three nodes
//   RTUX_TOKENS  {"<user>": "<token>", ...}
//   RTUX_ROOM    a room no other test uses
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Socket, Presence } from "phoenix";
import WebSocket from "ws";

const { RTUX_NODES, RTUX_TOKENS, RTUX_ROOM } = process.env;
if (!RTUX_NODES || !RTUX_TOKENS || !RTUX_ROOM) {
  throw new Error("run through `cargo test -p rtux-tests --test cluster`, which starts the nodes");
}
const nodes = JSON.parse(RTUX_NODES);
const tokens = JSON.parse(RTUX_TOKENS);
const sockets = [];
after(() => sockets.forEach((s) => s.disconnect()));

function connect(user, url) {
  const socket = new Socket(url, { transport: WebSocket, params: { token: tokens[user] } });
  socket.connect();
  sockets.push(socket);
  return socket;
}

function join(channel) {
  return new Promise((resolve, reject) => {
    channel.join()
      .receive("ok", resolve)
      .receive("error", (e) => reject(new Error(`join refused: ${JSON.stringify(e)}`)))
      .receive("timeout", () => reject(new Error("join timed out")));
  });
}

async function until(what, check, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

// A user on one node, with the Presence of the room and what it has seen.
async function member(user, node) {
  const channel = connect(user, nodes[node]).channel(RTUX_ROOM, {});
  const presence = new Presence(channel);
  const joined = [], left = [];
  presence.onJoin((key, current) => { if (!current) joined.push(key); });
  presence.onLeave((key, current) => { if (current.metas.length === 0) left.push(key); });
  await join(channel);
  const keys = () => presence.list((key) => key).sort();
  const metas = (key) => presence.list((k, p) => (k === key ? p.metas.length : 0)).reduce((a, b) => a + b, 0);
  return { channel, presence, joined, left, keys, metas };
}

test("presence lists, joins and leaves cross nodes; two tabs of one user on two nodes are one key", async () => {
  const alice = await member("alice", 0);
  const bob = await member("bob", 1);
  const carol = await member("carol", 2);
  for (const [who, m] of [["alice", alice], ["bob", bob], ["carol", carol]]) {
    await until(`${who} to list all three`, () => m.keys().join() === "alice,bob,carol");
  }
  assert.ok(alice.joined.includes("bob") && alice.joined.includes("carol"), `alice saw onJoin: ${alice.joined}`);
  const dave1 = await member("dave", 0);
  const dave2 = await member("dave", 2);
  await until("bob to see two metas for dave", () => bob.metas("dave") === 2);
  assert.equal(bob.keys().join(), "alice,bob,carol,dave", "one key for two tabs");
  dave1.channel.leave();
  await until("bob to see one meta left for dave", () => bob.metas("dave") === 1);
  assert.ok(!bob.left.includes("dave"), "dave is still here on another node");
  carol.channel.leave();
  await until("alice to see carol leave", () => alice.left.includes("carol"));
  await until("bob to see carol leave", () => bob.left.includes("carol"));
  assert.equal(alice.keys().join(), "alice,bob,dave");
  dave2.channel.leave();
  await until("alice to see dave leave", () => alice.left.includes("dave"));
});
