// rtux.js, hooks: What app code can follow without forking rtux.js.
// `rtux.on(event, fn)` calls `fn(detail)` after each of:
//   "connection" {state}: connecting, connected, disconnected, error
//   "patch" {topic, patch}: another user's change, applied to the page
//   "answer" {topic, event, status, response}: this page's action answered
//     for good (confirmed, or refused and rolled back)
//   "presence" {topic, presences, summary}: who is here changed (presences:
//     key → metas; summary: {count, typing} in a large room, else null)
// and returns the function that stops it. A hook that throws is reported on
// the console and the others still run.

// Event name → its hooks, in the order they were added.
const hooks = new Map();

export const on = (event, fn) => {
  if (!hooks.has(event)) hooks.set(event, new Set());
  // One entry per call: the same function added twice runs twice.
  const entry = (detail) => fn(detail);
  hooks.get(event).add(entry);
  return () => hooks.get(event).delete(entry);
};

export const emit = (event, detail) => {
  (hooks.get(event) || []).forEach((hook) => {
    try {
      hook(detail);
    } catch (error) {
      console.error(`rtux: a hook of "${event}" failed`, error);
    }
  });
};
