// rtux.js, loading: Loading: skeleton after 200 ms, then for at least 300 ms.

// A fast answer shows no skeleton; a skeleton shown stays long enough not to flicker.
const SKELETON_AFTER = 200;
const SKELETON_MIN = 300;

// Fetches a [data-rtux-async] box's HTML into its [data-rtux-content]
// ([data-rtux-failed] if that fails), with its [data-rtux-skeleton] meanwhile.
// It is aria-busy until done, then fires rtux:loaded (which bubbles).
export const loadAsync = (box) => {
  const skeleton = box.querySelector("[data-rtux-skeleton]");
  const failed = box.querySelector("[data-rtux-failed]");
  const content = box.querySelector("[data-rtux-content]");
  let shownAt = null;
  const timer = setTimeout(() => {
    if (!skeleton) return;
    skeleton.hidden = false;
    shownAt = performance.now();
  }, SKELETON_AFTER);
  if (failed) failed.hidden = true;
  box.setAttribute("aria-busy", "true");
  const started = performance.now();
  const finish = (show) => {
    clearTimeout(timer);
    box.dataset.rtuxLoadMs = String(Math.round(performance.now() - started));
    const wait = shownAt === null ? 0 : Math.max(0, SKELETON_MIN - (performance.now() - shownAt));
    setTimeout(() => {
      if (skeleton && !skeleton.hidden) skeleton.hidden = true;
      box.removeAttribute("aria-busy");
      show();
      box.dispatchEvent(new CustomEvent("rtux:loaded", { bubbles: true }));
    }, wait);
  };
  fetch(box.dataset.rtuxAsync, { headers: { accept: "text/html" } })
    .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.statusText))))
    .then((html) => finish(() => {
      if (!content) return;
      content.innerHTML = html;
      content.hidden = false;
    }))
    .catch(() => finish(() => {
      if (failed) failed.hidden = false;
    }));
};
