// rtux.js, patches: Patches: server fragments by DOM id, keeping what the user is typing.
// A form's fields, typed: checkboxes as booleans (unchecked too), number
// inputs as numbers, date-times with their seconds, lists split on
// data-rtux-split ("a, b" as ["a", "b"]).
const fields = (f) => {
  const out = {};
  for (const i of f.elements) {
    if (!i.name || i.disabled) continue;
    if (i.type === "checkbox") out[i.name] = i.checked;
    else if (i.type === "radio") { if (i.checked) out[i.name] = i.value; }
    else if (i.type === "number") out[i.name] = i.value === "" ? null : Number(i.value);
    else if (i.dataset.rtuxSplit) out[i.name] = i.value.split(i.dataset.rtuxSplit).map((v) => v.trim()).filter(Boolean);
    // Browsers drop ":00" seconds; send a full local date-time.
    else if (i.type === "datetime-local") out[i.name] = /T\d\d:\d\d$/.test(i.value) ? `${i.value}:00` : i.value;
    else if (i.type !== "submit" && i.type !== "button") out[i.name] = i.value;
  }
  return out;
};
// Puts a record's value into a form input, as `fields` reads it back.
const setField = (i, v) => {
  if (i.type === "checkbox") i.checked = v === true;
  else i.value = v == null ? "" : typeof v === "string" ? v : Array.isArray(v) && i.dataset.rtuxSplit ? v.join(`${i.dataset.rtuxSplit} `) : JSON.stringify(v);
};
// Whether the person changed an input from what the page gave it.
// (A select starts at its option marked selected, else its first.)
const edited = (i) => {
  if (i.type === "checkbox" || i.type === "radio") return i.checked !== i.defaultChecked;
  if (i.tagName !== "SELECT") return i.value !== i.defaultValue;
  const start = [...i.options].findIndex((o) => o.defaultSelected);
  return i.selectedIndex !== Math.max(start, 0);
};
const fragment = (html) => { const t = document.createElement("template"); t.innerHTML = html.trim(); return t.content.firstElementChild; };
// Replaces `old` with the server's HTML, keeping unsaved edits: each edited
// field keeps its text (the focused one its caret too), and its form keeps the
// version the user started from, so a later save merges instead of overwriting.
const replaceKeepingInput = (old, html) => {
  const next = fragment(html);
  if (!next) return old;
  const active = document.activeElement;
  const focus = active && old.contains(active) && "value" in active ? active : null;
  const caret = focus && [focus.selectionStart, focus.selectionEnd];
  const changed = $$(old, "input,textarea,select").filter((i) => i.name && edited(i));
  old.replaceWith(next);
  // A focused field keeps focus and caret; it shows the new value unless the
  // user changed it.
  for (const i of new Set([...changed, focus].filter(Boolean))) {
    const key = i.id ? `#${CSS.escape(i.id)}` : i.name ? `[name="${CSS.escape(i.name)}"]` : null;
    const twin = key && (next.matches(key) ? next : next.querySelector(key));
    if (!twin) continue;
    if (changed.includes(i)) {
      if (i.type === "checkbox") twin.checked = i.checked; else twin.value = i.value;
      if (i.form && twin.form && i.form.dataset.rtuxVersion) twin.form.dataset.rtuxVersion = i.form.dataset.rtuxVersion;
    }
    if (i === focus) { twin.focus(); try { twin.setSelectionRange(caret[0], caret[1]); } catch (_) { /* not a text input */ } }
  }
  return next;
};
const highlight = (node) => { node.classList.add("rtux-highlight"); setTimeout(() => node.classList.remove("rtux-highlight"), 1500); };
