// rtux.js, patches: Patches: server fragments by DOM id, keeping what the user is typing.
import { queryAll } from "./core.js";

// How long a patched element shows as changed.
const HIGHLIGHT_MS = 1500;

// A form's fields, typed: checkboxes as booleans (unchecked too), number
// inputs as numbers, date-times with their seconds, lists split on
// data-rtux-split ("a, b" as ["a", "b"]).
export const fields = (form) => {
  const out = {};
  for (const input of form.elements) {
    if (!input.name || input.disabled) continue;
    if (input.type === "checkbox") {
      out[input.name] = input.checked;
    } else if (input.type === "radio") {
      if (input.checked) out[input.name] = input.value;
    } else if (input.type === "number") {
      out[input.name] = input.value === "" ? null : Number(input.value);
    } else if (input.dataset.rtuxSplit) {
      out[input.name] = input.value.split(input.dataset.rtuxSplit).map((item) => item.trim()).filter(Boolean);
    } else if (input.type === "datetime-local") {
      // Browsers drop ":00" seconds; send a full local date-time.
      out[input.name] = /T\d\d:\d\d$/.test(input.value) ? `${input.value}:00` : input.value;
    } else if (input.type !== "submit" && input.type !== "button") {
      out[input.name] = input.value;
    }
  }
  return out;
};

// Puts a record's value into a form input, as `fields` reads it back.
export const setField = (input, value) => {
  if (input.type === "checkbox") {
    input.checked = value === true;
  } else if (value == null) {
    input.value = "";
  } else if (typeof value === "string") {
    input.value = value;
  } else if (Array.isArray(value) && input.dataset.rtuxSplit) {
    input.value = value.join(`${input.dataset.rtuxSplit} `);
  } else {
    input.value = JSON.stringify(value);
  }
};

// Whether the person changed an input from what the page gave it.
// (A select starts at its option marked selected, else its first.)
export const edited = (input) => {
  if (input.type === "checkbox" || input.type === "radio") return input.checked !== input.defaultChecked;
  if (input.tagName !== "SELECT") return input.value !== input.defaultValue;
  const start = [...input.options].findIndex((option) => option.defaultSelected);
  return input.selectedIndex !== Math.max(start, 0);
};

// The element of a server fragment (null if it holds none).
export const fragment = (html) => {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
};

// The input matching `input` in `next`, by id or else by name.
const twinIn = (next, input) => {
  let selector = null;
  if (input.id) selector = `#${CSS.escape(input.id)}`;
  else if (input.name) selector = `[name="${CSS.escape(input.name)}"]`;
  if (!selector) return null;
  return next.matches(selector) ? next : next.querySelector(selector);
};

// Replaces `old` with the server's HTML, keeping unsaved edits: each edited
// field keeps its text (the focused one its caret too), and its form keeps the
// version the user started from, so a later save merges instead of overwriting.
export const replaceKeepingInput = (old, html) => {
  const next = fragment(html);
  if (!next) return old;
  const active = document.activeElement;
  const focus = active && old.contains(active) && "value" in active ? active : null;
  const caret = focus && [focus.selectionStart, focus.selectionEnd];
  const changed = queryAll(old, "input,textarea,select").filter((input) => input.name && edited(input));
  old.replaceWith(next);
  // A focused field keeps focus and caret; it shows the new value unless the
  // user changed it.
  for (const input of new Set([...changed, focus].filter(Boolean))) {
    const twin = twinIn(next, input);
    if (!twin) continue;
    if (changed.includes(input)) {
      if (input.type === "checkbox") twin.checked = input.checked;
      else twin.value = input.value;
      if (input.form && twin.form && input.form.dataset.rtuxVersion) twin.form.dataset.rtuxVersion = input.form.dataset.rtuxVersion;
    }
    if (input === focus) {
      twin.focus();
      try {
        twin.setSelectionRange(caret[0], caret[1]);
      } catch (_) {
        // Not a text input: no caret to put back.
      }
    }
  }
  return next;
};

export const highlight = (node) => {
  node.classList.add("rtux-highlight");
  setTimeout(() => node.classList.remove("rtux-highlight"), HIGHLIGHT_MS);
};
