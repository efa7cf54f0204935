// rtux.js, core: The client's settings and small helpers shared by every module.
const SCRIPT = document.currentScript;
const BANNER_AFTER = 2000, EXTENDED_AFTER = 15000, HEARTBEAT = 30000;
const TYPING_EVERY = 500, IDLE_AFTER = 60000, REFRESH_EVERY = 20000, CURSOR_EVERY = 100;
const $$ = (root, sel) => Array.from(root.querySelectorAll(sel));
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

// What the server owns and the page carries (`rtux::ui::assets_tags`): the
// words, with `{placeholders}`, and the markup of avatars and lock badges.
const UI = (() => {
  try { return JSON.parse(document.getElementById("rtux-ui").textContent); } catch (_) { return {}; }
})();
const SHOWN = UI.avatars_shown || 5;
const say = (key, vars = {}) => ((UI.words || {})[key] || key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");
const fromTemplate = (name, cls) => {
  const t = document.querySelector(`template[data-rtux-tpl="${name}"]`);
  return t ? t.content.firstElementChild.cloneNode(true) : el("span", cls);
};

// A token's claims (`sub`, `exp`); display only — the server decides identity.
const claimsOf = (token) => {
  try {
    const b = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(b));
  } catch (_) { return {}; }
};
