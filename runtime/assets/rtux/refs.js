// rtux.js, refs: A select[data-rtux-ref] offers the records of another topic, kept live.
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
  const scan = () => $$(root, "select[data-rtux-ref]").forEach((s) => {
    const topic = s.dataset.rtuxRef;
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
    fill(s);
  });
  new MutationObserver(scan).observe(root, { childList: true, subtree: true });
  scan();
};
