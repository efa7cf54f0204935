// rtux.js, live: Server-rendered components: a [data-rtux-live] region joins its topic; the server's parts replace theirs by DOM id.
import { queryAll } from "./core.js";
import { replaceKeepingInput } from "./patches.js";

export const live = (socket, root) => queryAll(root, "[data-rtux-live]").forEach((region) => {
  const channel = socket.channel(region.dataset.rtuxLive, {});
  // Shown while the server refuses the region's topic.
  const note = region.querySelector("[data-rtux-live-refused]");
  // Each part replaces the element with its id (keeping what is typed there).
  const put = ({ parts } = {}) => (parts || []).forEach(({ id, html }) => {
    const old = document.getElementById(id);
    if (old) replaceKeepingInput(old, html);
  });
  channel.on("joined", (reply) => {
    if (note) note.hidden = true;
    put(reply);
  });
  channel.on("refused", ({ reason } = {}) => {
    if (!note) return;
    note.textContent = reason || "refused";
    note.hidden = false;
  });
  channel.on("rtux:render", put);
});
