// rtux.js, sortable: Lists kept in order by rank, items moved by dragging.
// An item names its list (data-rtux-in) and its rank (data-rtux-rank): every
// page orders a list by (rank, DOM id), so two people moving cards at once
// converge on one order, whatever arrives first.

// A rank is a fraction in base 36 written without its "0.": its digits, in
// this order. Ranks compare as strings, which is as fractions so long as no
// rank ends in 0 (so "a" < "a5" < "b", and there is always room between two).
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
const BASE = DIGITS.length;

// A rank strictly between `lower` and `upper` ("" for the first place, null
// or undefined for the last), never ending in 0 (so there is always room
// below it).
export const rankBetween = (lower, upper) => {
  // An upper bound not above the lower one is no bound: any rank above `lower` will do.
  if (upper != null && upper <= lower) upper = null;
  let rank = "";
  for (let i = 0; ; i++) {
    // Past its end, `lower` reads as zeros; with no upper bound the ceiling
    // is BASE, one past the last digit.
    const low = i < lower.length ? DIGITS.indexOf(lower[i]) : 0;
    const high = upper == null ? BASE : DIGITS.indexOf(upper[i]);
    if (low === high) {
      // A digit both bounds share.
      rank += DIGITS[low];
      continue;
    }
    const middle = Math.floor((low + high) / 2);
    if (middle > low) return rank + DIGITS[middle];
    // Adjacent digits: take the lower one; the rank is now below `upper`
    // whatever follows, so only `lower` bounds the next digits.
    rank += DIGITS[low];
    upper = null;
  }
};

const ranked = (node) => node.dataset && node.dataset.rtuxRank !== undefined;

// Whether `a` goes before `b`: by rank, then by DOM id.
const before = (a, b) => {
  const rankA = a.dataset.rtuxRank;
  const rankB = b.dataset.rtuxRank;
  return rankA < rankB || (rankA === rankB && a.id < b.id);
};

// The nearest ranked item beside `node` in `direction` ("previousElementSibling"
// or "nextElementSibling").
const rankedSibling = (node, direction) => {
  let sibling = node[direction];
  while (sibling && !ranked(sibling)) sibling = sibling[direction];
  return sibling;
};

// Puts a ranked item into its list, at its place.
export const place = (root, node) => {
  if (!node || !ranked(node)) return;
  const listName = CSS.escape(node.dataset.rtuxIn || "");
  const list = root.querySelector(`[data-rtux-list="${listName}"]`) || node.parentElement;
  const next = [...list.children].find((item) => item !== node && ranked(item) && before(node, item)) || null;
  if (node.parentElement === list && node.nextElementSibling === next) return;
  // Moving an element blurs what it holds: the person typing there keeps focus.
  const typing = node.contains(document.activeElement) && document.activeElement;
  list.insertBefore(node, next);
  if (typing) typing.focus({ preventScroll: true });
};

// Dragging an item of a list[data-rtux-sortable="move"] over such lists moves
// it there; the drop sends that action with {list, rank} (optimistic, put back
// if refused), and others see "Ana is dragging…" on its [data-rtux-field].
// `view` is the list's ResourceView (its root, channel, act and current).
export const wireSortable = (view) => {
  const root = view.root;
  // The held item; where it was (its list and rank), to put it back; the
  // field in it others see held (presence focus), if any.
  let held = null;
  let from = null;
  let heldField = null;
  const spot = (item) => ({ rtuxIn: item.dataset.rtuxIn, rtuxRank: item.dataset.rtuxRank });
  // The held item as the page has it now. A patch may have replaced it (its
  // new element takes over the drag, from where the server put it) or
  // removed it (nothing is held any more).
  const dragged = () => {
    if (held && !held.isConnected) {
      held = held.id && document.getElementById(held.id);
      if (held) {
        held.classList.add("rtux-dragging");
        if (from) from = spot(held);
      }
    }
    return held;
  };
  // Puts the held item into `list` where the pointer is: before the first
  // item whose middle is below it.
  const follow = (list, item, y) => {
    const below = (other) => y < other.getBoundingClientRect().top + other.offsetHeight / 2;
    const next = [...list.children].find((other) => other !== item && ranked(other) && below(other)) || null;
    if (item.parentElement !== list || item.nextElementSibling !== next) list.insertBefore(item, next);
  };
  root.addEventListener("dragstart", (event) => {
    const item = event.target.closest && event.target.closest("[data-rtux-sortable] > [data-rtux-rank]");
    if (!item) return;
    held = item;
    from = spot(item);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.id);
    item.classList.add("rtux-dragging");
    heldField = item.querySelector("[data-rtux-field]");
    if (heldField) view.channel.push("presence:focus", { field: heldField.dataset.rtuxField });
  });
  // A list takes the drag on dragenter as well as dragover: when a patch puts
  // a new element under a still pointer, the browser enters it, and a drop
  // before the next dragover lands only if that enter was accepted.
  // The list under the pointer, if it takes the held item.
  const over = (event) => {
    const list = dragged() && event.target.closest && event.target.closest("[data-rtux-sortable]");
    if (list) event.preventDefault();
    return list;
  };
  root.addEventListener("dragenter", over);
  root.addEventListener("dragover", (event) => {
    const list = over(event);
    if (list) follow(list, held, event.clientY);
  });
  root.addEventListener("drop", (event) => {
    const list = over(event);
    if (!list) return;
    const item = held;
    const was = from;
    follow(list, item, event.clientY);
    const prev = rankedSibling(item, "previousElementSibling");
    const next = rankedSibling(item, "nextElementSibling");
    from = null;
    // Dropped where it was, in order: nothing to send.
    const inOrder = (!prev || before(prev, item)) && (!next || before(item, next));
    if (list.dataset.rtuxList === was.rtuxIn && inOrder) return;
    item.dataset.rtuxIn = list.dataset.rtuxList;
    item.dataset.rtuxRank = rankBetween(prev?.dataset.rtuxRank ?? "", next?.dataset.rtuxRank);
    const params = { list: item.dataset.rtuxIn, rank: item.dataset.rtuxRank };
    // Refused: back where it was (on the element the page has by then).
    view.act(item, params, list.dataset.rtuxSortable, () => {
      const now = view.current(item);
      Object.assign(now.dataset, was);
      place(root, now);
    });
  });
  root.addEventListener("dragend", () => {
    const item = dragged();
    if (item) {
      item.classList.remove("rtux-dragging");
      // Not dropped on a list: back where it was.
      if (from) {
        Object.assign(item.dataset, from);
        place(root, item);
      }
    }
    if (heldField) view.channel.push("presence:blur", {});
    held = null;
    from = null;
    heldField = null;
  });
};
