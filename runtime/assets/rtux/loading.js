// rtux.js, loading: Loading: skeleton after 200 ms, then for at least 300 ms.
const SKELETON_AFTER = 200, SKELETON_MIN = 300;
const loadAsync = (box) => {
  const skeleton = box.querySelector("[data-rtux-skeleton]");
  const failed = box.querySelector("[data-rtux-failed]");
  const content = box.querySelector("[data-rtux-content]");
  let shownAt = null;
  const timer = setTimeout(() => { if (skeleton) { skeleton.hidden = false; shownAt = performance.now(); } }, SKELETON_AFTER);
  if (failed) failed.hidden = true;
  box.setAttribute("aria-busy", "true");
  const started = performance.now();
  const finish = (fn) => {
    clearTimeout(timer);
    box.dataset.rtuxLoadMs = String(Math.round(performance.now() - started));
    const wait = shownAt === null ? 0 : Math.max(0, SKELETON_MIN - (performance.now() - shownAt));
    setTimeout(() => {
      if (skeleton && !skeleton.hidden) skeleton.hidden = true;
      box.removeAttribute("aria-busy");
      fn();
      box.dispatchEvent(new CustomEvent("rtux:loaded", { bubbles: true }));
    }, wait);
  };
  fetch(box.dataset.rtuxAsync, { headers: { accept: "text/html" } })
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(r.statusText))))
    .then((html) => finish(() => { if (content) { content.innerHTML = html; content.hidden = false; } }))
    .catch(() => finish(() => { if (failed) failed.hidden = false; }));
};
