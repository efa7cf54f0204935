// rtux.js, optimistic: Optimistic commands: applied at once, undone on reject.
// A button's or form's data-rtux-optimistic holds a JSON list of commands:
//   ["add_class" | "remove_class" | "toggle_class", className, selector?]
//   ["set_attr", name, value, selector?]
//   ["show", selector?], ["hide", selector?]
//   ["transition", className, selector?, ms?]
//   ["add", n, selector?]: the number the element shows goes up by n (an
//   optimistic counter); undone by taking n off again, so two clicks in
//   flight roll back one at a time
// Without a selector a command acts on the origin's element with an id
// (its record), else on the origin itself.
import { queryAll } from "./core.js";

// A transition's class stays this long unless the command says.
const TRANSITION_MS = 300;

const targets = (origin, selector) =>
  selector ? queryAll(document, selector) : [origin.closest("[id]") || origin];

// Where a command's selector is: after its one argument (show, hide), after
// its two (set_attr's name and value), else after its class name.
const selectorOf = ([op, first, second, third]) => {
  if (op === "set_attr") return third;
  if (op === "show" || op === "hide") return first;
  if (op === "add") return second;
  return second;
};

// What a node looked like: its class, whether hidden, every attribute.
const snapshot = (nodes) => nodes.map((node) => ({
  node,
  className: node.className,
  hidden: node.hidden,
  attributes: Array.from(node.attributes).map((attr) => [attr.name, attr.value]),
}));

const restore = (snapshots) => snapshots.forEach(({ node, className, hidden, attributes }) => {
  Array.from(node.attributes).forEach((attr) => node.removeAttribute(attr.name));
  attributes.forEach(([name, value]) => node.setAttribute(name, value));
  node.className = className;
  node.hidden = hidden;
});

// An attribute an optimistic command may set: no event handler, no script
// URL (control characters and spaces are ignored in one): it must stay data.
const safeAttribute = (name, value) =>
  !/^on/i.test(name) && !/^javascript:/i.test(String(value).replace(/[\u0000-\u0020]/g, ""));

const apply = (node, [op, first, second, third]) => {
  if (op === "add_class") node.classList.add(first);
  else if (op === "remove_class") node.classList.remove(first);
  else if (op === "toggle_class") node.classList.toggle(first);
  else if (op === "set_attr") {
    if (safeAttribute(first, second)) node.setAttribute(first, second);
  } else if (op === "show") node.hidden = false;
  else if (op === "hide") node.hidden = true;
  else if (op === "transition") {
    node.classList.add(first);
    setTimeout(() => node.classList.remove(first), third || TRANSITION_MS);
  }
};

// Adds `n` to the integer an element shows (its text); a text that is no
// integer is left alone.
const addTo = (node, n) => {
  const shown = Number.parseInt(node.textContent.trim(), 10);
  if (Number.isInteger(shown) && Number.isInteger(n)) node.textContent = String(shown + n);
};

// Applies the commands now; returns the function that puts every node they
// touched back as it was (the last change undone first).
export const applyCommands = (origin, commands) => {
  const undos = [];
  for (const command of commands) {
    const nodes = targets(origin, selectorOf(command));
    if (command[0] === "add") {
      nodes.forEach((node) => addTo(node, command[1]));
      undos.push(() => nodes.forEach((node) => addTo(node, -command[1])));
      continue;
    }
    const snapshots = snapshot(nodes);
    nodes.forEach((node) => apply(node, command));
    undos.push(() => restore(snapshots.reverse()));
  }
  return () => undos.reverse().forEach((undo) => undo());
};
