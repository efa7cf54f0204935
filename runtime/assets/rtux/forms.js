// rtux.js, forms: Forms: backed up while typed, restored after a reload; leave guard.
import { element, queryAll } from "./core.js";
import { formBackupKey, readQueue } from "./outbox.js";
import { edited } from "./patches.js";

// Where the page's scroll position is kept across a reload.
const scrollKey = () => `rtux:scroll:${location.pathname}`;

// Every form[data-rtux-form] is backed up in localStorage as it is typed and
// filled back in after a reload; leaving the page while a backup or a queued
// action is left asks first; a reload keeps the scroll position.
export const wireForms = (root) => {
  queryAll(root, "form[data-rtux-form]").forEach((form) => {
    const key = formBackupKey(form);
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved) Object.entries(saved).forEach(([name, value]) => restore(form.elements.namedItem(name), value));
    form.addEventListener("input", () => {
      // A form put back as the page rendered it keeps no backup (and leaving asks nothing).
      const held = changed(form);
      if (Object.keys(held).length) localStorage.setItem(key, JSON.stringify(held));
      else localStorage.removeItem(key);
    });
  });
  window.addEventListener("beforeunload", (event) => {
    const unsaved = queryAll(root, "form[data-rtux-form]").some((form) => localStorage.getItem(formBackupKey(form)));
    if (unsaved || readQueue().length) {
      event.preventDefault();
      event.returnValue = "";
    }
    sessionStorage.setItem(scrollKey(), String(window.scrollY));
  });
  const y = Number(sessionStorage.getItem(scrollKey()));
  if (y) requestAnimationFrame(() => window.scrollTo(0, y));
};

// What the person changed in a form, by name: a text's value, a checkbox's
// checked, a radio group's chosen value; nothing that is as the page
// rendered it.
const changed = (form) => {
  const held = {};
  for (const input of form.elements) {
    if (!input.name || !edited(input) || (input.type === "radio" && !input.checked)) continue;
    held[input.name] = input.type === "checkbox" ? input.checked : input.value;
  }
  return held;
};

// Puts a backed-up value back (a backup from before checkboxes were kept as
// checked says "on").
const restore = (field, value) => {
  if (!field) return;
  if (field.type === "checkbox") field.checked = value === true || value === "on";
  else field.value = value;
};

// What an insert form held when sent, as typed, to give back if refused.
export const keepTyped = (form) => {
  form.rtuxTyped = [...form.elements]
    .filter((input) => input.name)
    .map((input) => [input, input.type === "checkbox" ? input.checked : input.value]);
};

// A refused form: an insert form gets back what was typed (unless the person
// has typed anew since), and a refusal about one field shows beside its input
// (aria-invalid, described by the message) until that field is edited again.
// Whether the refusal was shown at its field.
export const refused = (form, reply) => {
  const pristine = ![...form.elements].some((input) => input.name && edited(input));
  if (pristine && form.rtuxTyped) {
    form.rtuxTyped.forEach(([input, value]) => {
      if (input.type === "checkbox") input.checked = value;
      else input.value = value;
    });
  }
  const input = reply.field && form.elements.namedItem(reply.field);
  if (!input || input.value === undefined) return false;
  fieldError(input, reply.reason);
  input.focus();
  return true;
};

const fieldError = (input, text) => {
  const id = `${input.id || input.name}-rtux-error`;
  let note = document.getElementById(id);
  if (!note) {
    note = element("p", "rtux-field-error");
    note.id = id;
    note.setAttribute("role", "alert");
    input.after(note);
  }
  note.textContent = text;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
  input.addEventListener("input", () => clearError(input), { once: true });
};

export const clearError = (input) => {
  const note = document.getElementById(input.getAttribute("aria-describedby"));
  if (note && note.classList.contains("rtux-field-error")) note.remove();
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
};
