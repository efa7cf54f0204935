// What a person sees, asserted the way Playwright's `isVisible()` decides it: an
// element is visible when it has a non-empty rendered box and no
// `visibility:hidden`; an attribute such as `hidden` proves nothing by itself
// (the page's own CSS may give the element a `display` of its own).
import assert from "node:assert/strict";

const WAIT = 5000;

// Where screenshots go (tests/browser/screenshots/, ignored by git): look at them.
export const shot = (page, name, options = {}) =>
  page.screenshot({ path: new URL(`./screenshots/${name}.png`, import.meta.url).pathname, ...options });

// Waits until the element is on screen, then asserts it.
export const visible = async (locator, what, timeout = WAIT) => {
  await locator.first().waitFor({ state: "visible", timeout }).catch(() => {});
  assert.equal(await locator.first().isVisible(), true, `${what} is on screen`);
};

// Waits until the element is off screen (not rendered, or removed), then asserts it.
export const hidden = async (locator, what, timeout = WAIT) => {
  await locator.first().waitFor({ state: "hidden", timeout }).catch(() => {});
  assert.equal(await locator.first().isVisible(), false, `${what} is not on screen`);
};

// The element's computed style property, as the browser renders it.
export const style = (locator, property) =>
  locator.first().evaluate((e, p) => getComputedStyle(e).getPropertyValue(p), property);

// Collects the page's console errors and uncaught exceptions; `check()` fails
// the test if there were any (a 404 for a favicon counts: a person's console
// should be clean). `allow(re)` admits the errors a test causes on purpose, such
// as the browser's report of a refused WebSocket during a simulated outage.
export const watchErrors = (page) => {
  const errors = [], allowed = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()} (${m.location().url})`);
  });
  return {
    errors,
    allow: (re) => allowed.push(re),
    check: () => assert.deepEqual(errors.filter((e) => !allowed.some((re) => re.test(e))), [], "the console is clean"),
  };
};

// Gives the context's pages `window.seen(element)`: whether a person sees it
// now (a rendered, non-empty box, not visibility:hidden) — the rule of
// `visible`, for checks made inside one task, before a frame is painted.
export const teachSeen = (context) => context.addInitScript(() => {
  window.seen = (e) => {
    if (!e) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
  };
});

// The browser's own words for a refused WebSocket (outage tests cause them).
export const REFUSED_SOCKET = /WebSocket connection to .* failed/;
