// rtux.js, live: Server-rendered components: a [data-rtux-live] region joins its topic; the server's parts replace theirs by DOM id.
const live = (socket, root) => $$(root, "[data-rtux-live]").forEach((region) => {
  const ch = socket.channel(region.dataset.rtuxLive, {});
  const note = region.querySelector("[data-rtux-live-refused]");
  const put = ({ parts } = {}) => (parts || []).forEach(({ id, html }) => {
    const old = document.getElementById(id);
    if (old) replaceKeepingInput(old, html);
  });
  ch.on("joined", (r) => { if (note) note.hidden = true; put(r); });
  ch.on("refused", ({ reason } = {}) => { if (note) { note.textContent = reason || "refused"; note.hidden = false; } });
  ch.on("rtux:render", put);
});
