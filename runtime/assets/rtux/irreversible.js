// rtux.js, irreversible: Actions that cannot be taken back (those the join
// reply lists in `needs_connection`: the kinds confirm_first and
// confirmed_delete, such as "send", "charge", a confirmed delete) are never
// queued: a click while offline is refused at once, one in flight when the
// socket drops is not sent again later, and a queued one (from an older page)
// is dropped, not replayed. Past the banner's delay offline, their buttons (a
// form's submit buttons) are disabled and say "(offline)"; a blip shorter
// than that shows nothing.
import { phrase, queryAll } from "./core.js";

// The names of the irreversible actions, from a join reply.
export const irreversibleOf = (reply) => new Set((reply && reply.needs_connection) || []);

// The controls that take one of `names` under `root`: the buttons, and the
// submit buttons of the forms.
const controlsOf = (root, names) =>
  queryAll(root, "[data-rtux-action]")
    .filter((node) => names.has(node.dataset.rtuxAction))
    .flatMap((node) => (node.tagName === "FORM" ? queryAll(node, "button:not([type=button]), input[type=submit]") : [node]));

// Disables the controls (marked, so only those are enabled again), or
// enables the ones it disabled.
const hold = (root, names, offline) => {
  if (offline) {
    controlsOf(root, names)
      .filter((control) => !control.disabled)
      .forEach((control) => {
        control.disabled = true;
        control.dataset.rtuxOffline = phrase("offline_label");
      });
    return;
  }
  queryAll(root, "[data-rtux-offline]").forEach((control) => {
    control.disabled = false;
    delete control.dataset.rtuxOffline;
  });
};

// Holds the view's irreversible controls while the socket is held offline
// (past the banner's delay), and lets them go when it is connected again.
// `names()` gives the names as last joined.
export const holdWhileOffline = (socket, root, names) => {
  socket.onHeld((held) => hold(root, names(), held));
};
