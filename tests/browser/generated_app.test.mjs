// The app `rtux new` generates, in two real browser windows (APP_URL, started
// by cli/tests/scaffold_e2e.rs): presence, an optimistic insert and toggle, a
// conflict panel resolved with "Take theirs", delete with undo.
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
  await page.goto(`${URL_}/?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  return { page, errors };
};

test("the generated board: presence, optimistic UI, a conflict panel, undo", async () => {
  const { page: ana, errors } = await open("Ana");
  const { page: bo } = await open("Bo");
  await ana.waitForSelector("text=2 people viewing");

  await ana.fill(".note-form input[name=title]", "First note");
  await ana.click(".note-form button");
  const note = (p) => p.locator("ul.notes li.note").first();
  await bo.waitForSelector("ul.notes li.note");
  await ana.waitForSelector("ul.notes li.note:not(.rtux-pending)");

  await note(ana).locator(".note__done").click();
  await bo.waitForSelector("ul.notes li.note.note--done");

  // Both edit the body from the same version; Ana saves first.
  await note(ana).locator("textarea[name=body]").fill("Ana's body");
  await note(bo).locator("textarea[name=body]").fill("Bo's body");
  await note(ana).locator(".note__edit button").click();
  await bo.waitForFunction(() => document.querySelector("ul.notes li.note")?.dataset && true);
  await ana.waitForTimeout(300);
  await note(bo).locator(".note__edit button").click();
  await bo.waitForSelector(".rtux-conflict");
  assert.equal(await note(bo).locator("textarea[name=body]").inputValue(), "Bo's body", "nothing typed is lost");
  await bo.click('.rtux-conflict [data-rtux-choose="theirs"]');
  assert.equal(await note(bo).locator("textarea[name=body]").inputValue(), "Ana's body");
  await bo.click(".rtux-conflict [data-rtux-resolve]");
  await bo.waitForSelector(".rtux-conflict", { state: "detached" });

  await note(ana).locator(".note__delete").click();
  await ana.waitForSelector(".rtux-toast >> text=Undo within");
  await ana.click(".rtux-toast__undo");
  await ana.waitForTimeout(300);
  assert.equal(await ana.locator("ul.notes li.note:visible").count(), 1, "undo brings the note back");
  assert.deepEqual(errors, []);
});
