// rtux.js, toast: Toasts: short messages in the corner.
const toast = (root, text, opts = {}) => {
  let box = root.querySelector("[data-rtux-toasts]");
  if (!box) { box = el("div", "rtux-toasts"); box.dataset.rtuxToasts = ""; box.setAttribute("role", "status"); root.append(box); }
  const t = el("div", `rtux-toast${opts.error ? " rtux-toast--error" : ""}`);
  t.append(el("span", "rtux-toast__text", text));
  box.append(t);
  const done = () => t.remove();
  if (!opts.keep) setTimeout(done, opts.ms || 4000);
  return { el: t, done };
};
