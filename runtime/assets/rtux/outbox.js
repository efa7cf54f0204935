// rtux.js, outbox: The client's identity and its outbox (survive a reload).
// Every action is kept, with its op id and the time it was made, from the
// moment it is taken until its final answer: sent now if connected, replayed
// on rejoin (also after a reload), retried with backoff after a transient
// refusal. The server's ledger makes each op apply once.
const CLIENT = (() => {
  let id = sessionStorage.getItem("rtux:client");
  if (!id) { id = crypto.randomUUID(); sessionStorage.setItem("rtux:client", id); }
  return id;
})();
// Keyed by user too: on a shared device one user's work never replays as another's.
const ME = claimsOf((document.querySelector("[data-rtux-app]") || { dataset: {} }).dataset.rtuxToken || "").sub || "";
const QUEUE = `rtux:queue:${ME}:${CLIENT}`;
const FORM = (f) => `rtux:form:${ME}:${f.dataset.rtuxForm}`;
const queued = () => JSON.parse(localStorage.getItem(QUEUE) || "[]");
const saveQueue = (q) => localStorage.setItem(QUEUE, JSON.stringify(q));
const keyOf = (e) => `${e.payload.op}${e.event === "undo" ? "#undo" : ""}`;
const dequeue = (e) => saveQueue(queued().filter((q) => keyOf(q) !== keyOf(e)));
// Not an answer yet: the op is sent again, with the same id.
const offline = (r) => r.status === "error" && r.response.code === "offline";
const retryable = (r) => r.status === "timeout" || offline(r)
  || (r.status === "error" && (r.response.retry || r.response.retry_after_ms !== undefined));
// The version of a record's element, as far as the page can tell.
const versionOf = (n) => Number(n.dataset.rtuxV ?? n.dataset.rtuxVersion ?? n.querySelector("[data-rtux-version]")?.dataset.rtuxVersion);
