// rtux.js, sortable: Lists kept in order by rank, items moved by dragging.
// An item names its list (data-rtux-in) and its rank (data-rtux-rank): every
// page orders a list by (rank, DOM id), so two people moving cards at once
// converge on one order, whatever arrives first.
// A rank strictly between a and b ("" and null for the ends), in base 36,
// never ending in 0 (so there is always room below it).
const rankBetween = (a, b) => {
  if (b != null && b <= a) b = null;
  let out = "";
  for (let i = 0; ; i++) {
    const lo = i < a.length ? parseInt(a[i], 36) : 0;
    const hi = b == null ? 36 : parseInt(b[i], 36);
    if (lo === hi) { out += lo.toString(36); continue; }
    const mid = (lo + hi) >> 1;
    if (mid > lo) return out + mid.toString(36);
    out += lo.toString(36);
    b = null;
  }
};
const ranked = (n) => n.dataset && n.dataset.rtuxRank !== undefined;
const before = (x, y) => x.dataset.rtuxRank < y.dataset.rtuxRank || (x.dataset.rtuxRank === y.dataset.rtuxRank && x.id < y.id);
// Puts a ranked item into its list, at its place.
const place = (root, node) => {
  if (!node || !ranked(node)) return;
  const list = root.querySelector(`[data-rtux-list="${CSS.escape(node.dataset.rtuxIn || "")}"]`) || node.parentElement;
  const next = [...list.children].find((n) => n !== node && ranked(n) && before(node, n)) || null;
  if (node.parentElement === list && node.nextElementSibling === next) return;
  // Moving an element blurs what it holds: the person typing there keeps focus.
  const typing = node.contains(document.activeElement) && document.activeElement;
  list.insertBefore(node, next);
  if (typing) typing.focus({ preventScroll: true });
};
// Dragging an item of a list[data-rtux-sortable="move"] over such lists moves
// it there; the drop sends that action with {list, rank} (optimistic, put back
// if refused), and others see "Ana is dragging…" on its [data-rtux-field].
const wireSortable = (view) => {
  const root = view.root;
  // The held item, where it was (its list and rank), whether others see it held.
  let held = null, from = null, focused = false;
  const spot = (n) => ({ rtuxIn: n.dataset.rtuxIn, rtuxRank: n.dataset.rtuxRank });
  // The nearest ranked item beside `n` on side `k` (a sibling property).
  const beside = (n, k) => { do n = n[k]; while (n && !ranked(n)); return n; };
  // The held item as the page has it now. A patch may have replaced it (its
  // new element takes over the drag, from where the server put it) or
  // removed it (nothing is held any more).
  const dragged = () => {
    if (held && !held.isConnected) {
      held = held.id && document.getElementById(held.id);
      if (held) { held.classList.add("rtux-dragging"); if (from) from = spot(held); }
    }
    return held;
  };
  // Puts the held item into `list` where the pointer is: before the first
  // item whose middle is below it.
  const follow = (list, n, y) => {
    const next = [...list.children].find((c) => c !== n && ranked(c) && y < c.getBoundingClientRect().top + c.offsetHeight / 2) || null;
    if (n.parentElement !== list || n.nextElementSibling !== next) list.insertBefore(n, next);
  };
  root.addEventListener("dragstart", (e) => {
    const n = e.target.closest && e.target.closest("[data-rtux-sortable] > [data-rtux-rank]");
    if (!n) return;
    held = n;
    from = spot(n);
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", n.id);
    n.classList.add("rtux-dragging");
    const f = (focused = n.querySelector("[data-rtux-field]"));
    if (f) view.channel.push("presence:focus", { field: f.dataset.rtuxField });
  });
  // A list takes the drag on dragenter as well as dragover: when a patch puts
  // a new element under a still pointer, the browser enters it, and a drop
  // before the next dragover lands only if that enter was accepted.
  const over = (e) => {
    const list = dragged() && e.target.closest && e.target.closest("[data-rtux-sortable]");
    if (list) e.preventDefault();
    return list;
  };
  root.addEventListener("dragenter", over);
  root.addEventListener("dragover", (e) => {
    const list = over(e);
    if (list) follow(list, held, e.clientY);
  });
  root.addEventListener("drop", (e) => {
    const list = over(e);
    if (!list) return;
    const n = held, d = n.dataset, was = from;
    follow(list, n, e.clientY);
    const prev = beside(n, "previousElementSibling"), next = beside(n, "nextElementSibling");
    from = null;
    if (list.dataset.rtuxList === was.rtuxIn && (!prev || before(prev, n)) && (!next || before(n, next))) return;
    d.rtuxIn = list.dataset.rtuxList;
    d.rtuxRank = rankBetween(prev?.dataset.rtuxRank ?? "", next?.dataset.rtuxRank);
    view.act(n, { list: d.rtuxIn, rank: d.rtuxRank }, list.dataset.rtuxSortable, () => {
      const now = view.current(n);
      Object.assign(now.dataset, was);
      place(root, now);
    });
  });
  root.addEventListener("dragend", () => {
    const n = dragged();
    if (n) {
      n.classList.remove("rtux-dragging");
      if (from) { Object.assign(n.dataset, from); place(root, n); }
    }
    if (focused) view.channel.push("presence:blur", {});
    held = from = focused = null;
  });
};
