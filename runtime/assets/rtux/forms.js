// rtux.js, forms: Forms: backed up while typed, restored after a reload; leave guard.
const wireForms = (root) => {
  $$(root, "form[data-rtux-form]").forEach((f) => {
    const key = FORM(f);
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved) Object.entries(saved).forEach(([k, v]) => { if (f.elements[k]) f.elements[k].value = v; });
    f.addEventListener("input", () => localStorage.setItem(key, JSON.stringify(Object.fromEntries(new FormData(f)))));
  });
  window.addEventListener("beforeunload", (e) => {
    const dirty = $$(root, "form[data-rtux-form]").some((f) => localStorage.getItem(FORM(f)));
    if (dirty || queued().length) { e.preventDefault(); e.returnValue = ""; }
    sessionStorage.setItem(`rtux:scroll:${location.pathname}`, String(window.scrollY));
  });
  const y = Number(sessionStorage.getItem(`rtux:scroll:${location.pathname}`));
  if (y) requestAnimationFrame(() => window.scrollTo(0, y));
};
// What an insert form held when sent, as typed, to give back if refused.
const typed = (form) => { form.rtuxTyped = [...form.elements].filter((i) => i.name).map((i) => [i, i.type === "checkbox" ? i.checked : i.value]); };
// A refused form: an insert form gets back what was typed (unless the person
// has typed anew since), and a refusal about one field shows beside its input
// (aria-invalid, described by the message) until that field is edited again.
const refused = (form, r) => {
  const pristine = ![...form.elements].some((i) => i.name && edited(i));
  if (pristine && form.rtuxTyped) form.rtuxTyped.forEach(([i, v]) => { if (i.type === "checkbox") i.checked = v; else i.value = v; });
  const input = r.field && form.elements.namedItem(r.field);
  if (!input || input.value === undefined) return false;
  fieldError(input, r.reason);
  input.focus();
  return true;
};
const fieldError = (input, text) => {
  const id = `${input.id || input.name}-rtux-error`;
  let note = document.getElementById(id);
  if (!note) { note = el("p", "rtux-field-error"); note.id = id; note.setAttribute("role", "alert"); input.after(note); }
  note.textContent = text;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
  input.addEventListener("input", () => clearError(input), { once: true });
};
const clearError = (input) => {
  const note = document.getElementById(input.getAttribute("aria-describedby"));
  if (note && note.classList.contains("rtux-field-error")) note.remove();
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
};
