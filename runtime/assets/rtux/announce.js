// rtux.js, announce: What others do to a resource's records, said in a
// toast ("Bo added “Write docs”", "Bo deleted “Old note”"): the first at
// once, then at most one a second, gathering what came meanwhile ("3 more
// changes by Bo and Ana"). From each patch's `by` and `label`; a patch of
// this user's own (another tab of theirs) says nothing, nor does a resource
// element marked data-rtux-quiet.
import { phrase } from "./core.js";
import { toast } from "./toast.js";

// One toast a second at most, per resource element.
const GATHER_MS = 1000;

const VERB = { insert: "added_by", replace: "changed_by", remove: "removed_by" };

// Names for a summary: "Bo", "Bo and Ana", "Bo and 2 others".
const namesOf = (names) => {
  const unique = [...new Set(names)];
  if (unique.length <= 2) return unique.join(" and ");
  return `${unique[0]} and ${unique.length - 1} others`;
};

// What one patch did, in words: "Bo added “Write docs”".
const said = ({ op, name, label }) => phrase(VERB[op], { name, what: label ? `“${label}”` : phrase("an_item") });

// The function that announces a patch on `root`'s resource.
export const announcer = (socket, root) => {
  // What came while a toast's second runs; null when none runs.
  let gathered = null;
  const close = () => {
    const came = gathered;
    gathered = null;
    if (came.length === 0) return;
    const text = came.length === 1
      ? said(came[0])
      : phrase("changes_by", { n: came.length, names: namesOf(came.map((c) => c.name)) });
    toast(socket.root, text);
    gathered = [];
    setTimeout(close, GATHER_MS);
  };
  return (patch) => {
    const by = patch.by;
    if (!by || !VERB[patch.op] || by.user === socket.me || root.hasAttribute("data-rtux-quiet")) return;
    const change = { op: patch.op, name: by.name || by.user, label: patch.label };
    if (gathered) {
      gathered.push(change);
      return;
    }
    toast(socket.root, said(change));
    gathered = [];
    setTimeout(close, GATHER_MS);
  };
};
