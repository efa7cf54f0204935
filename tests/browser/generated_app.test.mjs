// The app `rtux new` generates, in real browser windows, as a person sees it:
// presence, the empty state, an optimistic insert and toggle, a conflict panel
// naming who saved, delete with undo; the server killed and started again
// (banner, offline queue, new-version notice); a slow and a failed list load;
// the development dashboard while a load runs.
// Every page fails its test on any console error (a favicon 404 included).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, style, shot, watchErrors, teachSeen, REFUSED_SOCKET } from "./see.mjs";
import { URL_, start, kill, printed } from "./app.mjs";

let browser;
const windows = [];

before(async () => {
  browser = await launch();
  await start();
});
after(async () => {
  await browser.close();
  await kill();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const open = async (name, prepare = async () => {}) => {
  const context = await browser.newContext();
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  await prepare(page);
  // No name: a guest, named by the server.
  await page.goto(name ? `${URL_}/?name=${name}` : `${URL_}/`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  const w = { page, watch, close: async () => { await context.close(); watch.check(); } };
  windows.push(w);
  return w;
};

const GREEN = "rgb(220, 252, 231)";

test("the generated board: presence, empty state, optimistic insert and toggle, a conflict panel naming who saved, undo", async () => {
  const ana = await open("Ana");
  const bo = await open("Bo");
  await visible(ana.page.getByText("2 people viewing"), "2 people viewing");
  const empty = (p) => p.getByText("No notes yet: add the first one above.");
  await visible(empty(ana.page), "the empty state");
  await visible(empty(bo.page), "the empty state");

  await ana.page.fill(".note-form input[name=title]", "First note");
  const instant = await ana.page.evaluate(() => {
    document.querySelector(".note-form button").click();
    const temp = document.querySelector("ul.notes li.note");
    return { shown: window.seen(temp), dimmed: getComputedStyle(temp).opacity, empty: window.seen(document.querySelector("ul.notes .records__empty, ul.notes .notes__empty")) };
  });
  assert.deepEqual(instant, { shown: true, dimmed: "0.6", empty: false }, "the note shows at once, pending; the empty state goes");
  const note = (p) => p.locator("ul.notes li.note").first();
  await visible(note(bo.page), "Ana's note, for Bo");
  await hidden(empty(bo.page), "Bo's empty state");
  await ana.page.waitForFunction(() => getComputedStyle(document.querySelector("ul.notes li.note")).opacity === "1");

  const done = (p) => note(p).locator(".note__done");
  assert.notEqual(await style(done(ana.page), "background-color"), GREEN);
  const toggled = await ana.page.evaluate(() => {
    document.querySelector("ul.notes li.note .note__done").click();
    return getComputedStyle(document.querySelector("ul.notes li.note .note__done")).backgroundColor;
  });
  assert.equal(toggled, GREEN, "done shows at once");
  await bo.page.waitForFunction((g) => getComputedStyle(document.querySelector("ul.notes li.note .note__done")).backgroundColor === g, GREEN);

  // Both edit the body from the same version; Ana saves first.
  await note(ana.page).locator("textarea[name=body]").fill("Ana's body");
  await note(bo.page).locator("textarea[name=body]").fill("Bo's body");
  await note(ana.page).locator(".note__edit button").click();
  await ana.page.waitForFunction(() => !document.querySelector("ul.notes li.note.rtux-pending"));
  await sleep(300);
  await note(bo.page).locator(".note__edit button").click();
  const panel = bo.page.locator(".rtux-conflict");
  await visible(panel, "the conflict panel");
  assert.match(await panel.locator(".rtux-conflict__title").textContent(), /^Ana changed this while you were editing: keep yours, take Ana's, or edit it, then save\./);
  assert.equal(await note(bo.page).locator("textarea[name=body]").inputValue(), "Bo's body", "nothing typed is lost");
  await shot(bo.page, "generated-conflict");
  await bo.page.click('.rtux-conflict [data-rtux-choose="theirs"]');
  assert.equal(await note(bo.page).locator("textarea[name=body]").inputValue(), "Ana's body");
  await note(bo.page).locator(".note__edit > button").click();
  await hidden(panel, "the conflict panel once resolved");

  const gone = await ana.page.evaluate(() => {
    document.querySelector("ul.notes li.note .note__delete").click();
    return { note: window.seen(document.querySelector("ul.notes li.note")), empty: window.seen(document.querySelector("ul.notes .records__empty, ul.notes .notes__empty")) };
  });
  assert.deepEqual(gone, { note: false, empty: true }, "delete hides the note at once, and the list says it is empty");
  const toast = ana.page.locator(".rtux-toast", { hasText: "Undo within" });
  await visible(toast, "the undo toast");
  await sleep(1500);
  assert.equal(await note(ana.page).isVisible(), false, "still hidden while the undo window runs");
  await shot(ana.page, "generated-undo");
  await ana.page.click(".rtux-toast__undo");
  await hidden(toast, "the undo toast once used");
  await visible(note(ana.page), "the note, back after undo");
  await hidden(empty(ana.page), "the empty state after undo");

  await note(ana.page).locator(".note__delete").click();
  await visible(toast, "the undo toast");
  // Gone for Bo at once (Ana may still undo); gone for good after the window.
  await visible(empty(bo.page), "Bo's empty state, as soon as Ana deletes", 3000);
  await bo.page.waitForSelector("ul.notes li.note", { state: "detached" });
  await hidden(toast, "the undo toast after its window", 8000);
  await ana.page.waitForSelector("ul.notes li.note", { state: "detached" });
  await visible(empty(ana.page), "Ana's empty state");
  await ana.close();
  await bo.close();
});

test("a conflict: the other fields land at once, the panel names the form's labels and the other person, and after resolving the next save is clean", async () => {
  const ana = await open("Ana");
  const bo = await open("Bo");
  await ana.page.fill(".note-form input[name=title]", "Plan");
  await ana.page.click(".note-form button");
  const note = (p) => p.locator("ul.notes li.note").first();
  await visible(note(bo.page), "Ana's note, for Bo");
  await ana.page.waitForFunction(() => !document.querySelector("ul.notes li.note.rtux-pending"));

  // Bo changes the title and the body; Ana only the body, and saves first.
  await note(bo.page).locator("input[name=title]").fill("Bo's plan");
  await note(bo.page).locator("textarea[name=body]").fill("Bo's body");
  await note(ana.page).locator("textarea[name=body]").fill("Ana's body");
  await note(ana.page).locator(".note__edit > button").click();
  await ana.page.waitForFunction(() => !document.querySelector("ul.notes li.note.rtux-pending"));
  await sleep(300);
  await note(bo.page).locator(".note__edit > button").click();
  const panel = bo.page.locator(".rtux-conflict");
  await visible(panel, "the conflict panel");
  // Bo's title is saved at once: Ana and a fresh window show it while Bo decides.
  await ana.page.waitForFunction(() => document.querySelector("ul.notes li.note input[name=title]").value === "Bo's plan");
  const cy = await open("Cy");
  assert.equal(await note(cy.page).locator("input[name=title]").inputValue(), "Bo's plan", "a fresh window has Bo's title");
  await cy.close();
  // One field conflicts, named by the form's label; no inputs or saves of its own.
  assert.deepEqual(await panel.locator("[data-rtux-label]").allTextContents(), ["Details"]);
  assert.match(await panel.locator(".rtux-conflict__title").textContent(), /^Ana changed this while you were editing/);
  assert.equal(await panel.locator("input, textarea, select, button[type=submit]").count(), 0, "the panel has no inputs or save of its own");
  assert.equal(await note(bo.page).locator("button:not([type=button])").count(), 1, "one way to save");
  assert.equal(await note(bo.page).locator("textarea[name=body]").inputValue(), "Bo's body", "Bo's text stays in the form");
  await visible(note(bo.page).locator("textarea[name=body][data-rtux-conflicted]"), "the conflicting input, marked");
  const box = await note(bo.page).boundingBox();
  assert.ok(box.width > 250, `the panel does not squeeze the note (${box.width}px)`);
  await shot(bo.page, "conflict-labelled");
  await panel.getByRole("button", { name: "Keep yours" }).click();
  await note(bo.page).locator(".note__edit > button").click();
  await hidden(panel, "the panel once resolved");
  await ana.page.waitForFunction(() => document.querySelector("ul.notes li.note textarea[name=body]").value === "Bo's body");

  // Bo alone edits the title again: no conflict, and nobody is named.
  await bo.page.waitForFunction(() => !document.querySelector("ul.notes li.note.rtux-pending"));
  await note(bo.page).locator("input[name=title]").fill("Bo's final plan");
  await note(bo.page).locator(".note__edit > button").click();
  await ana.page.waitForFunction(() => document.querySelector("ul.notes li.note input[name=title]").value === "Bo's final plan");
  await sleep(300);
  assert.equal(await bo.page.locator(".rtux-conflict").count(), 0, "no false conflict after a resolve");

  // Bo in two windows: the panel never names Bo as someone else.
  const again = await bo.page.context().newPage();
  const watch = watchErrors(again);
  await again.goto(`${URL_}/?name=Bo`);
  await again.waitForSelector("[data-rtux-app].rtux-connected");
  await note(again).locator("textarea[name=body]").fill("From the other window");
  await note(bo.page).locator("textarea[name=body]").fill("From this window");
  await note(again).locator(".note__edit > button").click();
  await again.waitForFunction(() => !document.querySelector("ul.notes li.note.rtux-pending"));
  await sleep(300);
  await note(bo.page).locator(".note__edit > button").click();
  await visible(panel, "the panel for a save from another window");
  const title = await panel.locator(".rtux-conflict__title").textContent();
  assert.match(title, /^You changed this in another window while you were editing/);
  assert.ok(!title.includes("Bo"), title);
  await again.close();
  watch.check();
  await ana.close();
  await bo.close();
});

test("two guests on one page have names and colours of their own; a blank title is refused beside it", async () => {
  const one = await open(null);
  const two = await open(null);
  await one.page.waitForFunction(() => document.querySelectorAll("[data-rtux-avatars] .rtux-avatar[data-user]").length === 2);
  const avatars = await one.page.$$eval("[data-rtux-avatars] .rtux-avatar[data-user]", (as) => as.map((a) => ({ name: a.title, initials: a.textContent, colour: a.style.getPropertyValue("--rtux-color") })));
  const [a, b] = avatars;
  assert.notEqual(a.name, b.name, `two guests, two names: ${JSON.stringify(avatars)}`);
  assert.notEqual(a.initials, b.initials, "and two sets of initials");
  assert.notEqual(a.colour, b.colour, "and two colours");
  for (const { name, initials } of avatars) {
    assert.match(name, /^[A-Z][a-z]+ [A-Z][a-z]+$/, `a guest name like "Swift Otter": ${name}`);
    assert.equal(initials, name.split(" ").map((w) => w[0]).join(""));
  }
  // The other guest's field badge says their whole name, and moves nothing.
  const boxes = () => one.page.$$eval(".note-form > :not(.rtux-field-badges), ul.notes", (all) => all.map((n) => JSON.stringify(n.getBoundingClientRect())));
  const before = await boxes();
  await two.page.fill(".note-form input[name=title]", "   ");
  const them = await two.page.evaluate(() => window.rtux.socket.me);
  const theirName = await one.page.$eval(`.rtux-avatar[data-user="${them}"]`, (x) => x.title);
  await visible(one.page.locator(".note-form .rtux-field-badge", { hasText: theirName }), "the whole guest name on the badge");
  assert.deepEqual(await boxes(), before, "the form and the list stay where they were");
  // Spaces pass the browser's `required`; the server refuses them beside the title.
  await two.page.click(".note-form button");
  const why = two.page.locator(".note-form .rtux-field-error");
  await visible(why, "why, beside the title");
  assert.equal(await why.textContent(), "Enter a title.");
  assert.equal(await two.page.locator(".rtux-toast").count(), 0, "no toast");
  await one.close();
  await two.close();
});

test("the browser's icon request succeeds (a fresh app's console stays clean)", async () => {
  const ana = await open("Ana");
  // Headless Chromium does not ask for an icon; a person's browser does, for
  // the page's <link rel=icon> or else /favicon.ico.
  const href = await ana.page.evaluate(() => document.querySelector("link[rel~=icon]")?.href ?? `${location.origin}/favicon.ico`);
  const icon = await ana.page.request.get(href);
  assert.equal(icon.status(), 200, `${href} answers`);
  assert.match(icon.headers()["content-type"] ?? "", /^image\//);
  await ana.close();
});

test("a visitor joins only the app's topics, keeps a clean name, and renews its token as itself", async () => {
  const eve = await open("%20Eve%07%0A%20the%20visitor");
  const claims = (t) => JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  const me = await eve.page.evaluate(() => window.rtux.socket.me);
  assert.equal(claims(await eve.page.evaluate(() => window.rtux.socket.token)).name, "Eve the visitor");
  const other = await eve.page.evaluate(() => window.rtux.socket.channel("notes:my-own").join().then((r) => `${r.status}: ${r.response.code}`));
  assert.equal(other, "error: not_found", "no collection of one's own");
  const fresh = await eve.page.evaluate(() => fetch("/rtux/token").then((r) => r.json()));
  assert.equal(claims(fresh.token).sub, me, "a fresh token for the same visitor");
  const stranger = await fetch(`${URL_}/rtux/token`);
  assert.equal(stranger.status, 401, "none without the visitor's cookie");
  await eve.close();
});

test("the server goes away and comes back: the banner, the offline queue, the new-version notice", async () => {
  let versions = 0;
  const ana = await open("Ana", (page) => page.route("**/_rtux/version", (route) => {
    versions += 1;
    route.fulfill({ json: { assets: versions === 1 ? "before-deploy" : "after-deploy" } });
  }));
  ana.watch.allow(REFUSED_SOCKET);
  const banner = ana.page.locator("[data-rtux-banner]");
  const notice = ana.page.locator("[data-rtux-new-version]");
  await hidden(banner, "the banner while connected");
  await hidden(notice, "the new-version notice before a deploy");
  const me = await ana.page.evaluate(() => window.rtux.socket.me);
  assert.match(me, /^v-[0-9a-f]{32}$/, "a visitor id of its own");
  assert.equal(await ana.page.evaluate(() => document.cookie.includes("rtux_visitor")), false, "kept in an HttpOnly cookie");

  // Nothing in flight (the favicon, the list) when the server dies.
  await ana.page.waitForLoadState("networkidle");
  const killed = Date.now();
  await kill();
  await ana.page.waitForSelector("[data-rtux-app].rtux-disconnected, [data-rtux-app].rtux-error");
  await sleep(1200 - (Date.now() - killed));
  assert.equal(await banner.isVisible(), false, "no banner for a blip");
  await visible(banner, "the reconnecting banner", 4000);
  assert.ok(Date.now() - killed >= 1900, "not before 2 s");
  assert.match(await banner.textContent(), /Reconnecting/);

  await ana.page.fill(".note-form input[name=title]", "Written offline");
  await ana.page.fill(".note-form textarea[name=body]", "With its details");
  await ana.page.click(".note-form button");
  assert.equal(await ana.page.evaluate(() => window.rtux.queued().length), 1, "queued");
  // The queued note is laid out as a real one: its title above its details.
  const laid = await ana.page.$eval("ul.notes li.note.rtux-pending", (li) => {
    const [t, b] = [li.querySelector("[data-rtux-text=title]"), li.querySelector("[data-rtux-text=body]")].map((n) => n.getBoundingClientRect());
    return { below: b.top >= t.bottom - 1, left: Math.abs(b.left - t.left) < 2, shown: t.height > 0 && b.height > 0 };
  });
  assert.deepEqual(laid, { below: true, left: true, shown: true }, "title above details");
  assert.equal(await style(ana.page.locator(".note-form"), "outline-style"), "dashed", "marked as queued");
  assert.equal(await ana.page.$eval(".board", (b) => getComputedStyle(b, "::after").content), '"Updating…"');
  await shot(ana.page, "generated-offline");

  await start();
  await ana.page.waitForSelector("[data-rtux-app].rtux-connected", { timeout: 15000 });
  await hidden(banner, "the banner after the reconnect");
  await visible(notice, "the new-version notice");
  await ana.page.waitForFunction(() => window.rtux.queued().length === 0);
  await visible(ana.page.locator("ul.notes li.note input[name=title][value='Written offline']"), "the note written offline");
  await ana.page.reload();
  await ana.page.waitForSelector("ul.notes");
  assert.equal(await ana.page.locator("ul.notes li.note input[name=title][value='Written offline']").count(), 1, "applied once");
  assert.equal(await ana.page.evaluate(() => window.rtux.socket.me), me, "the same visitor after a restart and a reload");
  await ana.close();
});

test("a slow list shows its skeleton for a while; a failed one says so and retries", async () => {
  let slow = true;
  const ana = await open("Ana", (page) => page.route("**/notes/list", async (route) => {
    if (slow) await sleep(700);
    else return route.fulfill({ status: 500, body: "down" });
    return route.continue();
  }));
  const skeleton = ana.page.locator("[data-rtux-skeleton]");
  await visible(skeleton, "the skeleton while the list loads");
  await shot(ana.page, "generated-skeleton");
  await hidden(skeleton, "the skeleton once loaded", 3000);
  await visible(ana.page.locator("ul.notes"), "the list");

  slow = false;
  ana.watch.allow(/status of 500/);
  await ana.page.reload();
  const failed = ana.page.locator("[data-rtux-failed]");
  await visible(failed, "the failure with Retry");
  await hidden(ana.page.locator("ul.notes"), "no list");
  await ana.page.unroute("**/notes/list");
  await ana.page.click("[data-rtux-retry]");
  await visible(ana.page.locator("ul.notes"), "the list after Retry");
  await hidden(failed, "the failure after Retry");
  await ana.close();
});

// A page at `url` as a person opens it (not waiting for a socket).
const openAt = async (url) => {
  const context = await browser.newContext();
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  await page.goto(url);
  return { page, watch, close: async () => { await context.close(); watch.check(); } };
};

// Teaches the page `window.figure(label)`: the number on the dashboard's
// tile labelled `label`, as shown.
const teachFigures = (page) => page.evaluate(() => {
  window.figure = (label) => {
    const tile = [...document.querySelectorAll(".dash-tile")].find((t) => t.querySelector("span")?.textContent === label);
    return tile ? Number(tile.querySelector("b").textContent) : NaN;
  };
});

test("the dashboard: admins only, and its figures move on screen while a load runs", async () => {
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    line = printed.find((l) => l.startsWith("Dashboard (development only): "));
    if (!line) await sleep(100);
  }
  assert.ok(line, `the app printed the dashboard's URL:\n${printed.join("\n")}`);
  const url = line.slice(line.indexOf("http"));
  assert.ok(url.startsWith(`${URL_}/_rtux/dashboard#token=`), line);

  // Without a token the page says how to get one; a visitor's token is refused.
  const bare = await openAt(`${URL_}/_rtux/dashboard`);
  await visible(bare.page.getByText("This page needs an admin token"), "how to get in");
  await hidden(bare.page.locator(".dash-tile"), "any figure");
  await bare.close();
  const ana = await open("Ana");
  const visitorToken = await ana.page.evaluate(() => window.rtux.socket.token);
  const visitor = await openAt(`${URL_}/_rtux/dashboard#token=${visitorToken}`);
  await visible(visitor.page.getByText("the dashboard needs an admin token"), "the refusal, for a visitor");
  await hidden(visitor.page.locator(".dash-tile"), "any figure, for a visitor");
  await visitor.close();

  const ops = await openAt(url);
  await ops.page.waitForSelector("[data-rtux-app].rtux-connected");
  await visible(ops.page.locator(".dash-tile", { hasText: "sockets" }), "the sockets figure");
  await visible(ops.page.getByText("1 person viewing"), "the operator, present on the dashboard");
  await visible(ops.page.getByText("this server (no cluster)", { exact: true }), "the node, named once");
  await visible(ops.page.getByText("join refused: the dashboard needs an admin token"), "the visitor's refusal among the errors");
  // The board is at most a second old: wait for the operator's own socket.
  await teachFigures(ops.page);
  await ops.page.waitForFunction(() => window.figure("sockets") >= 2, null, { timeout: 5000 });
  const before = await ops.page.evaluate(() => window.figure("sockets"));

  // The load: three more visitors, each adding notes as fast as the app lets
  // them (one with an empty title, refused).
  const load = [await open("Cy"), await open("Di"), await open("Ed")];
  const pushes = load.map(({ page }, n) => page.evaluate(async (n) => {
    const ch = window.rtux.socket.channel("notes:board");
    const client = `load-${n}-${Date.now()}`;
    const statuses = [];
    for (let i = 0; i < 40; i++) {
      const title = i === 0 ? " " : `Load ${n}.${i}`;
      const r = await ch.push("add", { client, op: `op-${i}`, at: Date.now(), temp_id: `t-${n}-${i}`, data: { title } });
      statuses.push(r.status);
      await new Promise((done) => setTimeout(done, 40));
    }
    return statuses;
  }, n));
  await ops.page.waitForFunction((b) => window.figure("sockets") >= b + 3 && window.figure("actions/s") > 0, before, { timeout: 10000 });
  const present = ops.page.locator(".dash-table", { hasText: "Presence per topic" });
  await visible(present.getByText("notes:board"), "the board's topic among the present");
  await hidden(present.getByText("rtux:nodes"), "rtux's own topics, among the present");
  await visible(ops.page.locator(".dash-table", { hasText: "Slowest topics" }).getByText("notes:board"), "the board's topic among the slowest");
  await visible(ops.page.locator(".dash-chart svg polyline").first(), "a sparkline");
  await shot(ops.page, "dashboard-under-load", { fullPage: true });
  const statuses = (await Promise.all(pushes)).flat();
  assert.ok(statuses.filter((s) => s === "ok").length >= 30, `most adds applied: ${statuses}`);
  const legend = ops.page.locator(".dash-legend");
  await visible(legend.getByText(/^applied \d+$/), "applied actions in the legend");
  await visible(legend.getByText(/^refused \d+$/), "the refused adds in the legend");
  const applied = Number((await legend.getByText(/^applied \d+$/).textContent()).split(" ")[1]);
  assert.ok(applied >= 30, `the legend counts the load's adds: ${applied}`);

  // The load leaves: its sockets go, the closes are listed with their reason.
  for (const w of load) await w.close();
  await ops.page.waitForFunction((b) => window.figure("sockets") <= b, before, { timeout: 10000 });
  await visible(ops.page.locator(".dash-table", { hasText: "Recent closes" }).getByText("the client left"), "the closes and their reason");
  await shot(ops.page, "dashboard-after-load", { fullPage: true });
  await ops.close();
  await ana.close();
});
