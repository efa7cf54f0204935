// A resource made by `rtux gen resource Task …` (every field type, --toggle done,
// --increment points, --conflict lock) in two browser windows, as a person sees
// it: every input has a visible label and one look, the empty state, typed
// fields saved, a toggle and an increment reaching the other window, a form in
// use locked for the other with a badge, delete hidden at once; the owner a
// select of the app's users (`owner:ref:User`), a user added elsewhere offered
// at once, and deleting a user a task refers to refused, saying which. Every
// page fails its test on any console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, style, shot, watchErrors, teachSeen } from "./see.mjs";
import { URL_, start, kill } from "./app.mjs";

let browser;

before(async () => {
  browser = await launch();
  await start();
});
after(async () => {
  await browser.close();
  await kill();
});

const open = async (name, path = "/tasks") => {
  const context = await browser.newContext();
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  await page.goto(`${URL_}${path}?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  await page.waitForSelector("[data-rtux-list]");
  return { page, close: async () => { await context.close(); watch.check(); } };
};

const GREEN = "rgb(220, 252, 231)";

test("every input of a generated form has a visible label and the same look", async () => {
  const { page, close } = await open("Ana");
  const inputs = await page.$$eval("form[data-rtux-insert] :is(input, select, textarea)", (all) => all.map((i) => ({ id: i.id, type: i.type, name: i.name })));
  assert.equal(inputs.length, 11, "one input per field");
  for (const { id, name } of inputs) {
    const label = page.locator(`label[for="${id}"]`);
    await visible(label, `the label of ${name}`);
    assert.ok((await label.textContent()).trim().length > 0, `${name}'s label says what it is`);
    await visible(page.locator(`#${id}`), `the ${name} input`);
  }
  // Text, number, date, select and textarea look alike: one border, padding, font.
  const looks = await page.$$eval("form[data-rtux-insert] :is(input:not([type=checkbox]), select, textarea)", (all) =>
    all.map((i) => { const s = getComputedStyle(i); return [s.borderTopWidth, s.borderTopColor, s.borderRadius, s.paddingLeft, s.fontSize, s.backgroundColor].join(" "); }));
  assert.equal(new Set(looks).size, 1, `one look for every input kind: ${[...new Set(looks)].join(" | ")}`);
  await visible(page.getByText("No tasks yet: add the first one above."), "the empty state");
  await shot(page, "generated-tasks-form", { fullPage: true });
  await close();
});

test("a generated resource: typed fields, toggle, increment, lock, delete", async () => {
  const ana = await open("Ana");
  const bo = await open("Bo");
  const add = "form[data-rtux-insert]";
  // A user added on another page is offered in Ana's owner select at once.
  const users = await open("Cy", "/users");
  await users.page.fill(`${add} input[name=name]`, "Dee Lee");
  await users.page.click(`${add} button`);
  const offered = ana.page.locator(`${add} select[name=owner] option`, { hasText: "Dee Lee" });
  await offered.waitFor({ state: "attached" });
  await ana.page.selectOption(`${add} select[name=owner]`, { label: "Dee Lee" });
  await ana.page.fill(`${add} input[name=title]`, "Ship it");
  await ana.page.fill(`${add} textarea[name=notes]`, "Line one");
  await ana.page.check(`${add} input[name=done]`);
  await ana.page.fill(`${add} input[name=points]`, "3");
  await ana.page.fill(`${add} input[name=score]`, "1.5");
  await ana.page.fill(`${add} input[name=price]`, "9.95");
  await ana.page.fill(`${add} input[name=due]`, "2026-12-01");
  await ana.page.fill(`${add} input[name=starts]`, "2026-12-01T10:00:00");
  await ana.page.fill(`${add} input[name=ref_id]`, "00000000-0000-4000-8000-000000000001");
  await ana.page.selectOption(`${add} select[name=status]`, "in_progress");
  await ana.page.click(`${add} button`);
  await hidden(ana.page.getByText("No tasks yet: add the first one above."), "the empty state once a task is added");

  const item = (p) => p.locator("[data-rtux-list] > li[id]").first();
  await visible(item(bo.page).locator("input[name=title]"), "Ana's task, for Bo");
  await hidden(bo.page.getByText("No tasks yet: add the first one above."), "Bo's empty state");
  assert.equal(await item(bo.page).locator("input[name=title]").inputValue(), "Ship it");
  assert.equal(await item(bo.page).locator("input[name=points]").inputValue(), "3");
  assert.equal(await item(bo.page).locator("select[name=status]").inputValue(), "in_progress");
  assert.equal(await item(bo.page).locator("input[name=done]").count(), 0, "one control per toggle: its button, no checkbox too");
  assert.equal(await item(bo.page).locator('button[data-rtux-action="toggle_done"]').getAttribute("aria-pressed"), "true");
  const owner = item(bo.page).locator("select[name=owner] option:checked");
  await bo.page.waitForFunction(() => document.querySelector("[data-rtux-list] > li[id] select[name=owner] option:checked")?.textContent === "Dee Lee");
  assert.equal(await owner.textContent(), "Dee Lee", "the owner, by name, for Bo");
  const labelled = await item(bo.page).locator("input[name=title]").evaluate((i) => i.labels[0].textContent);
  assert.equal(labelled, "Title", "a record's inputs are labelled too");

  const toggle = (p) => item(p).locator('button[data-rtux-action="toggle_done"]');
  assert.equal(await style(toggle(bo.page), "background-color"), GREEN, "done shows as pressed");
  await toggle(ana.page).click();
  assert.notEqual(await style(toggle(ana.page), "background-color"), GREEN, "undone at once");
  await bo.page.waitForFunction((g) => getComputedStyle(document.querySelector('[data-rtux-list] > li[id] button[data-rtux-action="toggle_done"]')).backgroundColor !== g, GREEN);
  // +1 shows for Ana in the same task as her click: optimistic, before any reply.
  const counted = await ana.page.evaluate(() => {
    const button = document.querySelector('[data-rtux-list] > li[id] button[data-rtux-action="increment_points"]');
    button.click();
    return button.textContent;
  });
  assert.equal(counted, "Points: 4 +1", "the increment, at once for Ana");
  await visible(bo.page.getByText("Points: 4 +1"), "the increment, for Bo");

  await item(ana.page).locator("input[name=title]").focus();
  const badge = item(bo.page).locator(".rtux-lock");
  await visible(badge, "the lock badge");
  assert.match(await badge.innerText(), /Ana is editing/);
  assert.equal(await item(bo.page).locator("input[name=title]").isDisabled(), true);
  assert.equal(await style(item(bo.page).locator("input[name=title]"), "opacity"), "0.55", "and looks it");
  await shot(bo.page, "generated-tasks-locked", { fullPage: true });
  await ana.page.locator("h1").click();
  await hidden(badge, "the lock badge once released");
  assert.equal(await item(bo.page).locator("input[name=title]").isDisabled(), false);

  const gone = await ana.page.evaluate(() => {
    document.querySelector('[data-rtux-list] > li[id] button[data-rtux-action="delete"]').click();
    return window.seen(document.querySelector("[data-rtux-list] > li[id]"));
  });
  assert.equal(gone, false, "delete hides the task at once");
  await visible(ana.page.getByText("No tasks yet: add the first one above."), "the empty state after the delete");
  await visible(ana.page.locator(".rtux-toast", { hasText: "Undo within" }), "the undo toast");
  await ana.page.click(".rtux-toast__undo");
  await visible(item(ana.page), "the task after undo");

  // Dee owns the task: deleting her is refused, saying which task, and she stays.
  const dee = users.page.locator("[data-rtux-list] > li[id]").first();
  await dee.locator('button[data-rtux-action="delete"]').click();
  await visible(users.page.locator(".rtux-toast", { hasText: `can't delete: tasks "Ship it" refer to it` }), "why Dee can't go");
  await visible(dee, "Dee, back after the refusal");
  await shot(users.page, "generated-users-delete-refused", { fullPage: true });
  await users.close();
  await ana.close();
  await bo.close();
});

test("a refused add keeps what was typed and says why beside the field; a blank title is refused beside it", async () => {
  const ana = await open("Ana");
  const add = "form[data-rtux-insert]";
  const long = "A".repeat(500);
  // Past the input's maxlength, as a script or an old browser could send it.
  await ana.page.$eval(`${add} input[name=title]`, (i, v) => { i.value = v; }, long);
  await ana.page.fill(`${add} textarea[name=notes]`, "Keep these notes");
  await ana.page.fill(`${add} input[name=points]`, "99999999999999999999");
  await ana.page.fill(`${add} input[name=score]`, "2");
  await ana.page.fill(`${add} input[name=price]`, "1.50");
  await ana.page.fill(`${add} input[name=due]`, "2026-12-24");
  await ana.page.fill(`${add} input[name=starts]`, "2026-12-24T09:00:00");
  await ana.page.fill(`${add} input[name=ref_id]`, "00000000-0000-4000-8000-000000000002");
  await ana.page.selectOption(`${add} select[name=owner]`, { index: 1 });
  await ana.page.click(`${add} button`);
  const why = ana.page.locator(`${add} .rtux-field-error`);
  await visible(why, "the reason, beside the field");
  assert.match(await why.textContent(), /^Enter a whole number from -9223372036854775808 to 9223372036854775807\.$/);
  const placed = await ana.page.$eval(`${add} input[name=points]`, (i) => {
    const note = document.getElementById(i.getAttribute("aria-describedby"));
    return { invalid: i.getAttribute("aria-invalid"), beside: i.closest(".field").contains(note) };
  });
  assert.deepEqual(placed, { invalid: "true", beside: true }, "beside Points, which is marked");
  const kept = await ana.page.$eval(add, (f) => Object.fromEntries([...f.elements].filter((i) => i.name).map((i) => [i.name, i.value])));
  assert.equal(kept.title, long, "the long title is still there");
  assert.equal(kept.notes, "Keep these notes");
  assert.equal(kept.points, "99999999999999999999");
  assert.equal(kept.due, "2026-12-24");
  assert.equal(await ana.page.locator(".rtux-toast").count(), 0, "no toast, no serde message");
  await shot(ana.page, "generated-tasks-refused-add", { fullPage: true });
  // Points fixed: now the title's length is refused, beside the title.
  await ana.page.fill(`${add} input[name=points]`, "5");
  await hidden(why, "the reason goes once the field is edited");
  await ana.page.click(`${add} button`);
  await visible(ana.page.locator(`${add} .rtux-field-error`, { hasText: "Use at most 200 characters (this has 500)." }), "the title's reason");
  // A title of spaces passes the browser's `required`, and the server says so beside it.
  await ana.page.fill(`${add} input[name=title]`, "   ");
  await ana.page.click(`${add} button`);
  await visible(ana.page.locator(`${add} .rtux-field-error`, { hasText: "This is required." }), "a blank title, refused beside it");
  assert.equal(await ana.page.$eval(`${add} input[name=title]`, (i) => i.required), true, "and marked required");
  assert.equal(await ana.page.locator("[data-rtux-list] > li[id]", { hasText: "Keep these notes" }).count(), 0, "nothing was added");
  await ana.close();
});

test("a stale save of a version-checked form shows the panel with the other's value, and the next save goes", async () => {
  const ana = await open("Ana", "/invoices");
  const bo = await open("Bo", "/invoices");
  const add = "form[data-rtux-insert]";
  await ana.page.fill(`${add} input[name=number]`, "INV-7");
  await ana.page.click(`${add} button`);
  const number = (p) => p.locator("[data-rtux-list] > li[id] input[name=number]").first();
  const saveOf = (p) => p.locator("[data-rtux-list] > li[id] form[data-rtux-action=save] button[data-rtux-disable-with]").first();
  for (const p of [ana.page, bo.page]) {
    await p.waitForFunction(() => document.querySelector("[data-rtux-list] > li[id]:not(.rtux-pending) input[name=number]")?.value === "INV-7");
  }
  const version = (p) => p.$eval("[data-rtux-list] > li[id]", (li) => li.dataset.rtuxVersion);
  const first = await version(ana.page);
  // Ana starts editing; Bo saves first.
  await number(ana.page).fill("INV-7 Ana");
  await number(bo.page).fill("INV-7 Bo");
  await saveOf(bo.page).click();
  await ana.page.waitForFunction((v) => document.querySelector("[data-rtux-list] > li[id]").dataset.rtuxVersion !== v, first);
  assert.equal(await number(ana.page).inputValue(), "INV-7 Ana", "Bo's save keeps what Ana types");
  await saveOf(ana.page).click();
  const panel = ana.page.locator("[data-rtux-list] > li[id] .rtux-conflict");
  await visible(panel, "the conflict panel, for a stale save");
  assert.match(await panel.locator(".rtux-conflict__title").textContent(), /^Bo changed this while you were editing/);
  assert.match(await panel.locator(".rtux-conflict__theirs").textContent(), /INV-7 Bo/);
  assert.equal(await panel.locator(".rtux-conflict__field").count(), 1, "only the field that differs");
  assert.equal(await number(ana.page).inputValue(), "INV-7 Ana", "what Ana typed is still hers");
  await shot(ana.page, "generated-invoices-stale-panel", { fullPage: true });
  await panel.locator("[data-rtux-choose=yours]").click();
  await saveOf(ana.page).click();
  await hidden(panel, "the panel, once the save went");
  await bo.page.waitForFunction(() => document.querySelector("[data-rtux-list] > li[id] input[name=number]").value === "INV-7 Ana");
  assert.equal(await ana.page.locator(".rtux-toast--error").count(), 0, "no error toast: the panel said it");
  await bo.close();
  await ana.close();
});

test("the tasks page shows who is here and is linked from the home page", async () => {
  const ana = await open("Ana", "/");
  await ana.page.locator("nav.pages").getByRole("link", { name: "Tasks" }).click();
  await ana.page.waitForURL(`${URL_}/tasks`);
  await ana.page.waitForSelector("[data-rtux-app].rtux-connected");
  const bo = await open("Bo");
  await visible(ana.page.locator('.rtux-avatar[title="Bo"]'), "presence on /tasks: Bo's avatar, for Ana");
  await visible(bo.page.locator('.rtux-avatar[title="Ana"]'), "and Ana's, for Bo");
  assert.match(await ana.page.textContent("[data-rtux-viewing]"), /^\d+ people viewing$/);
  await ana.close();
  await bo.close();
});
