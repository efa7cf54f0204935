// rtux.js, start: one socket for the page, a view per component.
import { SCRIPT, queryAll } from "./core.js";
import { wireForms } from "./forms.js";
import { on } from "./hooks.js";
import { live } from "./live.js";
import { loadAsync } from "./loading.js";
import { CLIENT_ID, readQueue } from "./outbox.js";
import { PresenceView } from "./presence.js";
import { refs } from "./refs.js";
import { ResourceView } from "./resource.js";
import { Socket } from "./socket.js";

// Starts rtux on the page's [data-rtux-app] (once: the root keeps its socket
// as `root.rtux`), and exposes it as `window.rtux`.
export const start = () => {
  const root = document.querySelector("[data-rtux-app]");
  if (!root || root.rtux) return;
  const socket = new Socket(root);
  root.rtux = socket;
  queryAll(root, "[data-rtux-presence]").forEach((node) => new PresenceView(socket, node));
  queryAll(root, "[data-rtux-resource]").forEach((node) => new ResourceView(socket, node));
  queryAll(root, "[data-rtux-async]").forEach(loadAsync);
  root.addEventListener("click", (event) => {
    const retry = event.target.closest("[data-rtux-retry]");
    if (retry) loadAsync(retry.closest("[data-rtux-async]"));
    if (event.target.closest("[data-rtux-refresh]")) location.reload();
  });
  wireForms(root);
  refs(socket, root);
  live(socket, root);
  socket.connect();
  window.rtux = { socket, client: CLIENT_ID, queued: readQueue, script: SCRIPT && SCRIPT.src, on };
};
