// rtux.js, toast: Toasts: short messages in the corner.
import { element } from "./core.js";

// How long a toast shows unless told otherwise.
const TOAST_MS = 4000;

// Shows `text` in the root's toast box (made on first use, announced to
// screen readers). Options: `error` (styled as one), `keep` (stays until
// `done()` is called), `ms` (how long it shows). Returns the toast's element
// and the function removing it.
export const toast = (root, text, options = {}) => {
  let box = root.querySelector("[data-rtux-toasts]");
  if (!box) {
    box = element("div", "rtux-toasts");
    box.dataset.rtuxToasts = "";
    box.setAttribute("role", "status");
    root.append(box);
  }
  const className = options.error ? "rtux-toast rtux-toast--error" : "rtux-toast";
  const node = element("div", className);
  node.append(element("span", "rtux-toast__text", text));
  box.append(node);
  const done = () => node.remove();
  if (!options.keep) setTimeout(done, options.ms || TOAST_MS);
  return { el: node, done };
};
