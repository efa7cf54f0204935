// rtux.js, previews: What others type into a record's form, as they type it.
// Typing in a form of a record (form[data-rtux-action][data-rtux-id]) sends
// `field {id, field, value}` at most every 300 ms, and the last value once
// typing stops (a value too large goes as null: "is editing", no text; the
// push also keeps a lock the typist holds). The others see, below that
// input, "Ana is changing Title…" and her text, in her presence colour,
// floating over the page (nothing moves). Their own input is never
// written: what they type stays theirs, and a save still sends only it. The
// preview goes when the record changes (her save replaces the element), when
// she leaves or lets go of the form's lock, or after 30 s without a new one.
import { element, phrase, queryAll } from "./core.js";
import { on } from "./hooks.js";

// At most one preview per form this often, and the last once typing stops.
const PREVIEW_EVERY = 300;
// Previews larger than this (JSON bytes) go without their text (the server
// takes at most 2 KiB).
const PREVIEW_MAX_BYTES = 2000;
// A preview with no new one after this long goes.
const PREVIEW_KEPT = 30000;

const bytes = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

// The input's name as the person sees it: its label, else its name.
const labelOf = (input) => {
  const label = (input.id && input.form.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.closest("label");
  return ((label && label.textContent.trim()) || input.getAttribute("aria-label") || input.name).replace(/\s+/g, " ");
};

// The colour the page shows `user` in (their avatar's), if it shows them.
const colourOf = (user) => {
  const avatar = document.querySelector(`.rtux-avatar[data-user="${CSS.escape(user)}"]`);
  return avatar ? avatar.style.getPropertyValue("--rtux-color") : "";
};

// Puts the (absolutely positioned) preview just under the input, whatever
// its containing block: a positioned ancestor, or the document.
const place = (preview, input) => {
  const box = input.getBoundingClientRect();
  const parent = preview.offsetParent;
  let [top, left] = [box.bottom + 2, box.left];
  if (parent && !(parent === document.body && getComputedStyle(parent).position === "static")) {
    const origin = parent.getBoundingClientRect();
    top += parent.scrollTop - origin.top - parent.clientTop;
    left += parent.scrollLeft - origin.left - parent.clientLeft;
  } else {
    top += window.scrollY;
    left += window.scrollX;
  }
  preview.style.top = `${top}px`;
  preview.style.left = `${left}px`;
};

// Sends the previews of what this user types into `root`'s record forms.
const send = (channel, root) => {
  root.addEventListener("input", (event) => {
    const input = event.target;
    const form = input.form;
    if (!form || !input.name || !form.dataset.rtuxId || !form.matches("[data-rtux-action]") || !root.contains(form)) return;
    const go = () => {
      form.rtuxPreviewAt = Date.now();
      const value = input.type === "checkbox" ? input.checked : input.value;
      channel.push("field", { id: form.dataset.rtuxId, field: input.name, value: bytes(value) > PREVIEW_MAX_BYTES ? null : value });
    };
    clearTimeout(form.rtuxPreviewTimer);
    const wait = (form.rtuxPreviewAt || 0) + PREVIEW_EVERY - Date.now();
    if (wait <= 0) go();
    else form.rtuxPreviewTimer = setTimeout(go, wait);
  });
};

// Shows a preview from another user beside the input it is for.
const show = (root, { id, field, value, by }) => {
  const form = root.querySelector(`form[data-rtux-action][data-rtux-id="${CSS.escape(String(id))}"]`);
  const input = form && form.elements.namedItem(field);
  if (!input || !input.name || !by) return;
  const key = `${by.user}\u0000${field}`;
  let preview = queryAll(form, ".rtux-preview").find((node) => node.rtuxKey === key);
  if (!preview) {
    preview = element("div", "rtux-preview");
    preview.rtuxKey = key;
    preview.dataset.user = by.user;
    preview.setAttribute("role", "status");
    preview.append(element("span", "rtux-preview__who"), element("span", "rtux-preview__value"));
    input.after(preview);
  }
  preview.style.setProperty("--rtux-color", colourOf(by.user));
  place(preview, input);
  preview.firstChild.textContent = phrase("previewing", { name: by.name || by.user, field: labelOf(input) });
  preview.lastChild.textContent = typeof value === "string" ? value : "";
  preview.lastChild.hidden = typeof value !== "string" || value === "";
  clearTimeout(preview.rtuxGone);
  preview.rtuxGone = setTimeout(() => preview.remove(), PREVIEW_KEPT);
};

// Who the page's presence views show, by topic: a preview's typist who is in
// none of them has left.
const here = new Map();
on("presence", ({ topic, presences }) => {
  here.set(topic, new Set(Object.keys(presences)));
  queryAll(document, ".rtux-preview")
    .filter((node) => ![...here.values()].some((users) => users.has(node.dataset.user)))
    .forEach((node) => node.remove());
});

// Previews for a resource view: sent as this user types, shown as others do.
export const wirePreviews = (channel, root) => {
  send(channel, root);
  channel.on("rtux:field", (preview) => show(root, preview));
};
