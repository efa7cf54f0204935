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
