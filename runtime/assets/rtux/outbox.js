// rtux.js, outbox: The client's identity and its outbox (survive a reload).
// Every action is kept, with its op id and the time it was made, from the
// moment it is taken until its final answer: sent now if connected, replayed
// on rejoin (also after a reload), retried with backoff after a transient
// refusal. The server's ledger makes each op apply once.
import { claimsOf } from "./core.js";

// This tab's client id: kept in sessionStorage, so it survives a reload but
// a second tab gets its own (two tabs never replay each other's ops).
export const CLIENT_ID = (() => {
  let id = sessionStorage.getItem("rtux:client");
  if (!id) {
    id = crypto.randomUUID();
    sessionStorage.setItem("rtux:client", id);
  }
  return id;
})();

// The user the page was rendered for ("" when none). Storage is keyed by
// user too: on a shared device one user's work never replays as another's.
export const USER = (() => {
  const app = document.querySelector("[data-rtux-app]");
  const token = (app && app.dataset.rtuxToken) || "";
  return claimsOf(token).sub || "";
})();

const QUEUE_KEY = `rtux:queue:${USER}:${CLIENT_ID}`;

// Where what is typed into a form[data-rtux-form] is backed up.
export const formBackupKey = (form) => `rtux:form:${USER}:${form.dataset.rtuxForm}`;

// The queued actions, oldest first: {topic, event, payload}.
export const readQueue = () => JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
export const writeQueue = (queue) => localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));

// An entry's key: its op id, and whether it undoes that op.
export const entryKey = (entry) => `${entry.payload.op}${entry.event === "undo" ? "#undo" : ""}`;
export const dequeue = (entry) => writeQueue(readQueue().filter((queued) => entryKey(queued) !== entryKey(entry)));

// Not an answer yet: the op is sent again, with the same id.
export const offline = (reply) => reply.status === "error" && reply.response.code === "offline";
export const retryable = (reply) =>
  reply.status === "timeout" ||
  offline(reply) ||
  (reply.status === "error" && (reply.response.retry || reply.response.retry_after_ms !== undefined));

// The version of a record's element, as far as the page can tell: what this
// client last put on it, else what its markup says (on it or on its form).
export const versionOf = (node) =>
  Number(node.dataset.rtuxV ?? node.dataset.rtuxVersion ?? node.querySelector("[data-rtux-version]")?.dataset.rtuxVersion);
