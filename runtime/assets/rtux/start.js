// rtux.js, start: one socket for the page, a view per component.
const start = () => {
  const root = document.querySelector("[data-rtux-app]");
  if (!root || root.rtux) return;
  const socket = new Socket(root);
  root.rtux = socket;
  $$(root, "[data-rtux-presence]").forEach((p) => new PresenceView(socket, p));
  $$(root, "[data-rtux-resource]").forEach((r) => new ResourceView(socket, r));
  $$(root, "[data-rtux-async]").forEach(loadAsync);
  root.addEventListener("click", (e) => {
    const retry = e.target.closest("[data-rtux-retry]");
    if (retry) loadAsync(retry.closest("[data-rtux-async]"));
    if (e.target.closest("[data-rtux-refresh]")) location.reload();
  });
  wireForms(root);
  refs(socket, root);
  live(socket, root);
  socket.connect();
  window.rtux = { socket, client: CLIENT, queued, script: SCRIPT && SCRIPT.src };
};
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
