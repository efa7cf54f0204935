// rtux.js, refs: Other topics' records, kept live. A select[data-rtux-ref]
// offers them; a [data-rtux-unread] badge counts those newer than the newest
// this browser has shown (ids are time-ordered: the store's UUIDv7).
const SEEN = (topic) => `rtux:seen:${ME}:${topic}`;
const newest = (ids) => [...ids].reduce((a, x) => (x > a ? x : a), "");
const markSeen = (topic, id) => {
  const mark = localStorage.getItem(SEEN(topic));
  if (mark !== null && mark >= id) return;
  localStorage.setItem(SEEN(topic), id);
  document.dispatchEvent(new CustomEvent("rtux:seen"));
};
const refs = (socket, root) => {
  // topic → {records: Map(id → record), v: how many times they changed}
  const lists = new Map();
  const fill = (s) => {
    const list = lists.get(s.dataset.rtuxRef);
    if (!list || !list.records || s.rtuxV === list.v) return;
    s.rtuxV = list.v;
    const v = s.value || s.dataset.rtuxValue || "";
    $$(s, 'option:not([value=""])').forEach((o) => o.remove());
    list.records.forEach((r) => s.add(new Option(r.data[s.dataset.rtuxLabel] ?? r.id, r.id, false, r.id === v)));
    if (s.selectedIndex < 0) s.selectedIndex = 0;
  };
  // First sight of a topic marks what it has as seen: only what comes later
  // counts. Counted again only when the records or the mark changed (scans
  // follow every change to the page).
  const count = (b) => {
    const topic = b.dataset.rtuxUnread, list = lists.get(topic);
    if (!list || !list.records) return;
    if (localStorage.getItem(SEEN(topic)) === null) localStorage.setItem(SEEN(topic), newest(list.records.keys()));
    const mark = localStorage.getItem(SEEN(topic)), v = `${list.v}:${mark}`;
    if (b.rtuxV === v) return;
    b.rtuxV = v;
    const n = [...list.records.keys()].filter((id) => id > mark).length;
    b.textContent = n > 99 ? "99+" : String(n);
    b.hidden = !n;
  };
  const scan = () => $$(root, "select[data-rtux-ref], [data-rtux-unread]").forEach((s) => {
    const topic = s.dataset.rtuxRef || s.dataset.rtuxUnread;
    if (!lists.has(topic)) {
      const list = { records: null, v: 0 };
      lists.set(topic, list);
      const ch = socket.channel(topic, {});
      const changed = (records) => { Object.assign(list, { records, v: list.v + 1 }); scan(); };
      ch.on("joined", async (r) => {
        const records = new Map();
        for (let p = r; p; ) {
          (p.records || []).forEach((x) => records.set(x.id, x));
          const next = p.more && (await ch.push("page", { after: p.more }));
          p = next && next.status === "ok" ? next.response : null;
        }
        changed(records);
      });
      ch.on("rtux:patch", (p) => {
        if (!list.records) return;
        if (p.op === "remove") list.records.delete(p.id);
        else list.records.set(p.record.id, p.record);
        changed(list.records);
      });
    }
    if (s.dataset.rtuxRef) fill(s); else count(s);
  });
  new MutationObserver(scan).observe(root, { childList: true, subtree: true });
  document.addEventListener("rtux:seen", scan);
  scan();
};
