// rtux.js, core: The client's settings and small helpers shared by every module.

// The <script> element running rtux.js. `document.currentScript` is only set
// while a classic script first runs, so it is read here, at the top level of
// the module the bundle evaluates first.
export const SCRIPT = document.currentScript;

// Timings, in milliseconds.
// The "reconnecting" banner shows after this long offline, its longer text after this.
export const BANNER_AFTER = 2000;
export const EXTENDED_AFTER = 15000;
// A heartbeat on an open socket this often.
export const HEARTBEAT = 30000;
// At most one "typing" presence event this often.
export const TYPING_EVERY = 500;
// Idle after this long without input (a page's data-rtux-idle-ms overrides it).
export const IDLE_AFTER = 60000;
// A visible page refreshes its presence this often (a hidden one goes stale).
export const REFRESH_EVERY = 20000;
// At most one cursor position this often.
export const CURSOR_EVERY = 100;

// Every element under `root` matching `selector`, as an array.
export const queryAll = (root, selector) => Array.from(root.querySelectorAll(selector));

// A new element, with a class name and text when given.
export const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

// What the server owns and the page carries (`rtux::ui::assets_tags`): the
// words, with `{placeholders}`, and the markup of avatars and lock badges.
const UI = (() => {
  try {
    return JSON.parse(document.getElementById("rtux-ui").textContent);
  } catch (_) {
    // No table on the page (or not JSON): every phrase is its key.
    return {};
  }
})();

// How many avatars a presence stack shows before "+n".
export const AVATARS_SHOWN = UI.avatars_shown || 5;

// The server's phrase for `key`, its `{placeholders}` filled from `vars`
// (a missing one is empty); the key itself when the page has no such phrase.
export const phrase = (key, vars = {}) => {
  const words = UI.words || {};
  const text = words[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "");
};

// A copy of the server's markup `name` (a <template data-rtux-tpl>), or an
// empty <span> of class `className` when the page has none.
export const fromTemplate = (name, className) => {
  const template = document.querySelector(`template[data-rtux-tpl="${name}"]`);
  return template ? template.content.firstElementChild.cloneNode(true) : element("span", className);
};

// A token's claims (`sub`, `exp`); display only — the server decides identity.
// Anything that is not a readable token has none.
export const claimsOf = (token) => {
  try {
    const base64url = token.split(".")[1];
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(base64));
  } catch (_) {
    return {};
  }
};
