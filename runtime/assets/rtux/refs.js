// rtux.js, refs: Other topics' records, kept live.
// A select[data-rtux-ref] offers them; a [data-rtux-unread] badge counts those
// newer than the newest this browser has shown (ids are time-ordered: the
// store's UUIDv7, so they compare as strings).
import { queryAll } from "./core.js";
import { USER } from "./outbox.js";

// The badge shows at most this many.
const UNREAD_SHOWN = 99;

// Where the newest record id shown of a topic is kept.
const seenKey = (topic) => `rtux:seen:${USER}:${topic}`;

// The greatest (newest) of some record ids, "" when none.
export const newest = (ids) => [...ids].reduce((max, id) => (id > max ? id : max), "");

// Marks a topic's records up to `id` as seen (never going back), and tells
// the page's unread badges.
export const markSeen = (topic, id) => {
  const mark = localStorage.getItem(seenKey(topic));
  if (mark !== null && mark >= id) return;
  localStorage.setItem(seenKey(topic), id);
  document.dispatchEvent(new CustomEvent("rtux:seen"));
};

// Joins each topic a select or a badge under `root` names (once each, also
// for elements added later), and keeps them filled and counted.
export const refs = (socket, root) => {
  // Topic → {records: Map(id → record) once joined, v: how many times they changed}.
  const lists = new Map();
  // A select gets the topic's records as options (its empty option stays),
  // keeping its choice; done again only when the records changed.
  const fill = (select) => {
    const list = lists.get(select.dataset.rtuxRef);
    if (!list || !list.records || select.rtuxV === list.v) return;
    select.rtuxV = list.v;
    const chosen = select.value || select.dataset.rtuxValue || "";
    queryAll(select, 'option:not([value=""])').forEach((option) => option.remove());
    list.records.forEach((record) => {
      const label = record.data[select.dataset.rtuxLabel] ?? record.id;
      select.add(new Option(label, record.id, false, record.id === chosen));
    });
    if (select.selectedIndex < 0) select.selectedIndex = 0;
  };
  // First sight of a topic marks what it has as seen: only what comes later
  // counts. Counted again only when the records or the mark changed (scans
  // follow every change to the page).
  const count = (badge) => {
    const topic = badge.dataset.rtuxUnread;
    const list = lists.get(topic);
    if (!list || !list.records) return;
    if (localStorage.getItem(seenKey(topic)) === null) localStorage.setItem(seenKey(topic), newest(list.records.keys()));
    const mark = localStorage.getItem(seenKey(topic));
    const counted = `${list.v}:${mark}`;
    if (badge.rtuxV === counted) return;
    badge.rtuxV = counted;
    const unread = [...list.records.keys()].filter((id) => id > mark).length;
    badge.textContent = unread > UNREAD_SHOWN ? `${UNREAD_SHOWN}+` : String(unread);
    badge.hidden = !unread;
  };
  // A topic's channel, joined the first time an element names it: all its
  // records (every page of them), then its patches.
  const follow = (topic) => {
    const list = { records: null, v: 0 };
    lists.set(topic, list);
    const channel = socket.channel(topic, {});
    const changed = (records) => {
      list.records = records;
      list.v += 1;
      scan();
    };
    channel.on("joined", async (reply) => {
      const records = new Map();
      let page = reply;
      while (page) {
        (page.records || []).forEach((record) => records.set(record.id, record));
        const next = page.more && (await channel.push("page", { after: page.more }));
        page = next && next.status === "ok" ? next.response : null;
      }
      changed(records);
    });
    channel.on("rtux:patch", (patch) => {
      if (!list.records) return;
      if (patch.op === "remove") list.records.delete(patch.id);
      else list.records.set(patch.record.id, patch.record);
      changed(list.records);
    });
  };
  const scan = () => queryAll(root, "select[data-rtux-ref], [data-rtux-unread]").forEach((node) => {
    const topic = node.dataset.rtuxRef || node.dataset.rtuxUnread;
    if (!lists.has(topic)) follow(topic);
    if (node.dataset.rtuxRef) fill(node);
    else count(node);
  });
  new MutationObserver(scan).observe(root, { childList: true, subtree: true });
  document.addEventListener("rtux:seen", scan);
  scan();
};
