// A resource made by `rtux gen resource Task …` (every field type, --toggle done,
// --increment points, --conflict lock) in two browser windows (APP_URL, started
// by cli/tests/scaffold_e2e.rs): typed form fields save, toggles and increments
// reach the other window, and a form in use is locked for the other.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const URL_ = process.env.APP_URL;
let browser;

before(async () => {
  browser = await launch();
});
after(async () => { await browser.close(); });

const open = async (name) => {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${URL_}/tasks?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  await page.waitForSelector("ul.notes");
  return { page, errors };
};

test("a generated resource: typed fields, toggle, increment, lock", async () => {
  const { page: ana, errors } = await open("Ana");
  const { page: bo } = await open("Bo");
  const add = ".note-form";
  await ana.fill(`${add} input[name=title]`, "Ship it");
  await ana.fill(`${add} textarea[name=notes]`, "Line one");
  await ana.check(`${add} input[name=done]`);
  await ana.fill(`${add} input[name=points]`, "3");
  await ana.fill(`${add} input[name=score]`, "1.5");
  await ana.fill(`${add} input[name=price]`, "9.95");
  await ana.fill(`${add} input[name=due]`, "2026-12-01");
  await ana.fill(`${add} input[name=starts]`, "2026-12-01T10:00:00");
  await ana.fill(`${add} input[name=ref_id]`, "00000000-0000-4000-8000-000000000001");
  await ana.selectOption(`${add} select[name=status]`, "in_progress");
  await ana.fill(`${add} input[name=owner]`, "u1");
  await ana.click(`${add} button`);

  const item = (p) => p.locator("ul.notes li.note").first();
  await bo.waitForSelector("ul.notes li.note input[name=title]");
  assert.equal(await item(bo).locator("input[name=title]").inputValue(), "Ship it");
  assert.equal(await item(bo).locator("input[name=points]").inputValue(), "3");
  assert.equal(await item(bo).locator("select[name=status]").inputValue(), "in_progress");
  assert.equal(await item(bo).locator("input[name=done]").isChecked(), true);

  await item(ana).locator('button[data-rtux-action="toggle_done"]').click();
  await bo.waitForSelector('ul.notes li.note button[data-rtux-action="toggle_done"][aria-pressed="false"]');
  await item(ana).locator('button[data-rtux-action="increment_points"]').click();
  await bo.waitForSelector("text=Points: 4 +1");

  await item(ana).locator("input[name=title]").focus();
  await bo.waitForSelector("ul.notes li.note form[data-rtux-lock] .rtux-lock");
  assert.match(await item(bo).locator(".rtux-lock").innerText(), /Ana is editing/);
  assert.equal(await item(bo).locator("input[name=title]").isDisabled(), true);
  await ana.locator("h1").click();
  await bo.waitForSelector("ul.notes li.note form[data-rtux-lock] .rtux-lock", { state: "detached" });
  assert.equal(await item(bo).locator("input[name=title]").isDisabled(), false);
  assert.deepEqual(errors, []);
});
