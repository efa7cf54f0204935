// rtux.js, optimistic: Optimistic commands: applied at once, undone on reject.
// [["add_class"|"remove_class"|"toggle_class", cls, sel?], ["set_attr", name, value, sel?],
//  ["show", sel?], ["hide", sel?], ["transition", cls, sel?, ms?]]
const targets = (origin, sel) => (sel ? $$(document, sel) : [origin.closest("[id]") || origin]);
const snapshot = (nodes) => nodes.map((n) => ({ n, cls: n.className, hidden: n.hidden, attrs: Array.from(n.attributes).map((a) => [a.name, a.value]) }));
const restore = (snaps) => snaps.forEach(({ n, cls, hidden, attrs }) => {
  Array.from(n.attributes).forEach((a) => n.removeAttribute(a.name));
  attrs.forEach(([k, v]) => n.setAttribute(k, v));
  n.className = cls;
  n.hidden = hidden;
});
const applyCommands = (origin, commands) => {
  const snaps = [];
  for (const [op, a, b, c] of commands) {
    const sel = op === "set_attr" ? c : op === "show" || op === "hide" ? a : b;
    const nodes = targets(origin, sel);
    snaps.push(...snapshot(nodes));
    nodes.forEach((n) => {
      if (op === "add_class") n.classList.add(a);
      else if (op === "remove_class") n.classList.remove(a);
      else if (op === "toggle_class") n.classList.toggle(a);
      // No event handlers, no script URLs: the attribute must stay data.
      else if (op === "set_attr") { if (!/^on/i.test(a) && !/^javascript:/i.test(String(b).replace(/[\u0000-\u0020]/g, ""))) n.setAttribute(a, b); }
      else if (op === "show") n.hidden = false;
      else if (op === "hide") n.hidden = true;
      else if (op === "transition") { n.classList.add(a); setTimeout(() => n.classList.remove(a), c || 300); }
    });
  }
  return () => restore(snaps.reverse());
};
