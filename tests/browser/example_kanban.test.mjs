// examples/kanban in real browser windows, as two people use it: cards
// dragged between columns and within one (optimistic, the same order on both
// screens, also when both move cards at once), "Ana is dragging…", a title
// renamed by both (the conflict panel) and renamed while moved (merged), a
// card added, a delete undone and one that runs. Every page fails its test on
// any console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, shot, watchErrors, teachSeen } from "./see.mjs";

const BASE = process.env.RTUX_BASE;
if (!BASE) throw new Error("run through `cargo test -p rtux-tests --test browser`, which serves the example");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const open = async (name) => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  await page.goto(`${BASE}/?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  return { page, close: async () => { await context.close(); watch.check(); } };
};

// What a person sees: each column's card titles, top to bottom.
const board = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll("[data-rtux-list]")].map((l) => [l.dataset.rtuxList,
    [...l.querySelectorAll(":scope > .card")].filter((c) => window.seen(c))
      .map((c) => (c.querySelector("input[name=title]") || c).value ?? c.textContent.trim())]),
));
const card = (page, title) => page.locator(".card", { has: page.locator(`input[name=title][value="${title}"]`) });
// The title input of `title`'s card, by the card's id: it stays that card's
// whatever is typed or saved there.
const titleOf = async (page, title) => page.locator(`#${await card(page, title).getAttribute("id")} input[name=title]`);
// Waits until the page shows `expected` (a column's titles, or the whole board).
const shows = async (page, expected, what, column = null) => {
  const deadline = Date.now() + 5000;
  let now;
  while (Date.now() < deadline) {
    now = await board(page);
    if (JSON.stringify(column ? now[column] : now) === JSON.stringify(expected)) return now;
    await page.waitForTimeout(50);
  }
  assert.deepEqual(column ? now[column] : now, expected, what);
};
// Waits until Done holds `n` cards, none pending; if not, fails naming what
// `who`'s screen shows (each card's list, rank and classes) beside a screenshot.
const settled = (page, who, n) => page.waitForFunction((n) => document.querySelectorAll('[data-rtux-list="done"] > .card:not(.rtux-pending)').length === n, n, { timeout: 5000 })
  .catch(async (e) => {
    await shot(page, `example-kanban-unsettled-${who}`);
    const cards = await page.evaluate(() => [...document.querySelectorAll(".card")].map((c) =>
      `${c.dataset.rtuxIn}/${c.dataset.rtuxRank} ${c.className} ${c.querySelector("input[name=title]")?.value}`));
    assert.fail(`${who}'s Done did not settle on ${n} cards: ${JSON.stringify(cards)} (${e.message})`);
  });
// Reloads `page` and waits until it shows `expected` again (the server's board).
const reloaded = async (page, expected, what) => {
  await page.reload();
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  await shows(page, expected, what);
};
// Picks up `title`'s card and holds it over `target` (a card: above its
// middle lands before it; a list: at its end), moved in small steps as a hand
// would.
const hold = async (page, title, target, { above = true } = {}) => {
  const from = await card(page, title).locator(".card__grip").boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  const to = await target.boundingBox();
  const y = above ? to.y + 4 : to.y + to.height - 4;
  for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + (to.x + 20 - from.x) * i / 10, from.y + (y - from.y) * i / 10);
};
// Drags `title`'s card onto `target` (as `hold`), doing `during` before the drop.
const drag = async (page, title, target, { above = true, during } = {}) => {
  await hold(page, title, target, { above });
  if (during) await during();
  await page.mouse.up();
};

test("two people move, rename, add and delete cards, and always see the same board", async () => {
  const ana = await open("Ana");
  const bo = await open("Bo");
  await visible(ana.page.getByText("2 people viewing"), "2 people viewing, for Ana");
  await visible(bo.page.getByText("2 people viewing"), "2 people viewing, for Bo");
  await shows(bo.page, {
    todo: ["Sketch the columns", "Write the README"], doing: ["Store cards in SQLite"], done: ["Say hello"],
  }, "the seeded board");

  // Ana drags "Say hello" above "Store cards in SQLite": Bo sees who is
  // dragging while she holds it, then both see it there.
  await drag(ana.page, "Say hello", card(ana.page, "Store cards in SQLite"), {
    during: async () => {
      await visible(card(bo.page, "Say hello").getByText("Ana is dragging…"), "Ana is dragging…, for Bo");
      await shot(bo.page, "example-kanban-dragging");
    },
  });
  assert.deepEqual((await board(ana.page)).doing, ["Say hello", "Store cards in SQLite"], "moved at once for Ana");
  await shows(bo.page, ["Say hello", "Store cards in SQLite"], "Ana's move, for Bo", "doing");
  await hidden(card(bo.page, "Say hello").getByText("Ana is dragging…"), "the dragging badge gone after the drop");
  await shows(bo.page, [], "done is empty", "done");
  await visible(bo.page.locator('[data-rtux-list="done"] [data-rtux-empty]'), "Done's empty state, for Bo");

  // Reordering within a column: Bo drags "Write the README" above "Sketch the columns".
  await drag(bo.page, "Write the README", card(bo.page, "Sketch the columns"));
  await shows(ana.page, ["Write the README", "Sketch the columns"], "Bo's reorder, for Ana", "todo");

  // Ana holds a card still over the empty Done while Bo drops his there: his
  // card comes under her pointer, and her drop lands all the same. Both see
  // one order, which a reload keeps (the server's order).
  const done = (p) => p.locator('[data-rtux-list="done"]');
  await drag(ana.page, "Sketch the columns", done(ana.page), {
    above: false,
    during: async () => {
      await drag(bo.page, "Store cards in SQLite", done(bo.page), { above: false });
      await visible(done(ana.page).locator(".card:not(.rtux-dragging)", { has: ana.page.locator('input[value="Store cards in SQLite"]') }),
        "Bo's card in Done, under Ana's still pointer");
    },
  });
  await Promise.all([settled(ana.page, "Ana", 2), settled(bo.page, "Bo", 2)]);
  const anaSees = await board(ana.page);
  await shows(bo.page, anaSees, "both see one board after simultaneous moves");
  await reloaded(bo.page, anaSees, "the server keeps that order");

  // Bo renames "Say hello" while Ana moves it to To do: the rename merges.
  const boTitle = await titleOf(bo.page, "Say hello");
  await boTitle.fill("Say hello to Bo");
  await drag(ana.page, "Say hello", card(ana.page, "Write the README"));
  await shows(bo.page, ["Say hello to Bo", "Write the README"], "moved for Bo, his text kept", "todo");
  assert.ok(await bo.page.evaluate(() => document.activeElement && document.activeElement.value === "Say hello to Bo"), "Bo still types there");
  await boTitle.press("Enter");
  await shows(ana.page, ["Say hello to Bo", "Write the README"], "Bo's rename merged with Ana's move", "todo");
  assert.equal(await bo.page.locator(".rtux-conflict").count(), 0, "no conflict for a rename and a move");

  // Both rename the same card: Ana saves first, Bo gets the conflict panel and keeps his.
  const anaTitle = await titleOf(ana.page, "Write the README");
  const boReadme = await titleOf(bo.page, "Write the README");
  await boReadme.fill("Write the README twice");
  await anaTitle.fill("Write the README once");
  await anaTitle.press("Enter");
  await shows(ana.page, ["Say hello to Bo", "Write the README once"], "Ana's rename", "todo");
  await boReadme.press("Enter");
  const panel = bo.page.locator(".rtux-conflict");
  await visible(panel, "the conflict panel, for Bo");
  await visible(panel.getByText("Ana changed this while you were editing"), "who saved, for Bo");
  assert.ok(!(await bo.page.locator("body").innerText()).includes("?name=Bo"), "Bo is not told to open the page as Bo");
  const colours = await bo.page.$$eval(".rtux-avatar[data-user]", (as) => as.map((a) => a.style.getPropertyValue("--rtux-color")));
  assert.equal(new Set(colours).size, colours.length, `Ana and Bo in two colours: ${colours}`);
  await shot(bo.page, "example-kanban-conflict");
  await panel.locator('[data-rtux-choose="yours"]').first().click();
  // The card's own save (Enter in its title) resolves: the panel has none of its own.
  assert.equal(await panel.locator("button[type=submit], input, textarea").count(), 0);
  const squeezed = await panel.evaluate((p) => p.getBoundingClientRect().width / p.closest("form").getBoundingClientRect().width);
  assert.ok(squeezed > 0.95, `the panel takes the card's whole form (${squeezed})`);
  await boReadme.press("Enter");
  await hidden(bo.page.locator(".rtux-conflict"), "the panel gone once resolved");
  // Ana's caret is still in her saved field: the new title shows there all the same.
  assert.ok(await ana.page.evaluate(() => document.activeElement && document.activeElement.name === "title"), "Ana's focus stays in the title");
  await shows(ana.page, ["Say hello to Bo", "Write the README twice"], "Bo's resolved title, for Ana", "todo");

  // Ana adds a card to Doing: at its end at once, then for Bo.
  const add = ana.page.locator('.column[aria-label="Doing"] form.add');
  await add.locator("input[name=title]").fill("Review the board");
  await add.locator("input[name=title]").press("Enter");
  assert.deepEqual((await board(ana.page)).doing.length, 1, "the new card at once");
  await shows(bo.page, ["Review the board"], "Ana's new card, for Bo", "doing");

  // Ana deletes it and undoes; then deletes "Say hello to Bo" for good.
  await card(ana.page, "Review the board").locator(".card__delete").click();
  await hidden(card(ana.page, "Review the board"), "deleted at once for Ana");
  await ana.page.getByRole("button", { name: "Undo" }).click();
  await visible(card(ana.page, "Review the board"), "back after Undo");
  await card(ana.page, "Say hello to Bo").locator(".card__delete").click();
  await hidden(card(ana.page, "Say hello to Bo"), "deleted at once for Ana");
  await hidden(card(bo.page, "Say hello to Bo"), "gone for Bo once the undo window ends", 9000);
  await shows(bo.page, {
    todo: ["Write the README twice"], doing: ["Review the board"], done: anaSees.done,
  }, "the board, for Bo");
  await shows(ana.page, await board(bo.page), "the same board, for Ana");
  await shot(bo.page, "example-kanban");

  // Both hold a card over the end of Done and let go at the same moment: the
  // drops may take one rank (ordered by id then), and whichever move arrives
  // first, both screens and the server end with one order.
  await hold(ana.page, "Write the README twice", done(ana.page), { above: false });
  await hold(bo.page, "Review the board", done(bo.page), { above: false });
  await Promise.all([ana.page.mouse.up(), bo.page.mouse.up()]);
  await Promise.all([settled(ana.page, "Ana", 4), settled(bo.page, "Bo", 4)]);
  const last = await board(ana.page);
  assert.deepEqual([last.todo, last.doing], [[], []], "both cards moved, for Ana");
  await shows(bo.page, last, "one board after moves at the same moment");
  await reloaded(bo.page, last, "the server keeps that order");

  // Bo renames the card Ana holds: his save replaces it on her screen while
  // she drags it, and her drop still moves that one card, with his title.
  await hold(ana.page, "Review the board", ana.page.locator('[data-rtux-list="todo"]'), { above: false });
  const review = await titleOf(bo.page, "Review the board");
  await review.fill("Review the board again");
  await review.press("Enter");
  await visible(card(ana.page, "Review the board again"), "Bo's title on the card Ana holds");
  await ana.page.mouse.up();
  for (const [who, p] of [["Ana", ana.page], ["Bo", bo.page]]) {
    await shows(p, ["Review the board again"], `moved with Bo's title, for ${who}`, "todo");
    assert.equal(Object.values(await board(p)).flat().length, 4, `four cards on screen, none twice, for ${who}`);
    assert.equal(await p.locator(`#${await card(p, "Review the board again").getAttribute("id")}`).count(), 1, `one element for the card, for ${who}`);
    await p.waitForFunction(() => !document.querySelector(".card.rtux-pending, .card.rtux-dragging"), null, { timeout: 5000 });
  }
  assert.equal(await ana.page.locator(".rtux-conflict").count(), 0, "no conflict for a move and a rename");
  await reloaded(bo.page, await board(ana.page), "the server has what Ana sees");

  await ana.close();
  await bo.close();
});
