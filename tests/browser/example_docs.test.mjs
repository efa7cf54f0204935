// examples/docs in real browser windows, as two people use it: a section
// locked while Ana edits it ("Ana is editing", Bo's fields disabled), who is
// typing and in which field, her draft back after a reload, the section saved
// and unlocked, a title and a tag saved at once from two windows (merged), and
// the reconnect banners through a cut connection. Every page fails its test on
// any console error (the browser's report of the refused reconnects excepted).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, shot, watchErrors, teachSeen, REFUSED_SOCKET } from "./see.mjs";

const BASE = process.env.RTUX_BASE, CONTROL = process.env.RTUX_CONTROL;
if (!BASE || !CONTROL) throw new Error("run through `cargo test -p rtux-tests --test browser`, which serves the example");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const open = async (name) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  watch.allow(REFUSED_SOCKET);
  await page.goto(`${BASE}/?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  return { page, close: async () => { await context.close(); watch.check(); } };
};
const section = (page, heading) => page.locator(".section", { has: page.locator(`textarea[aria-label="${heading}"]`) });

test("two people edit one document: locks, typing, drafts, merges, banners", async () => {
  const ana = await open("Ana");
  const bo = await open("Bo");
  await visible(ana.page.getByText("2 people viewing"), "2 people viewing, for Ana");
  await visible(bo.page.getByText("2 people viewing"), "2 people viewing, for Bo");

  // Ana edits "Welcome": Bo sees it locked, her typing and her field.
  const anaBody = section(ana.page, "Welcome").locator("textarea");
  await anaBody.click();
  await anaBody.press("End");
  await anaBody.pressSequentially(" Ask Ana anything.", { delay: 30 });
  const boWelcome = section(bo.page, "Welcome");
  await visible(boWelcome.getByText("Ana is editing"), "the lock badge, for Bo");
  assert.equal(await boWelcome.locator("textarea").isDisabled(), true, "Bo cannot type in the locked section");
  assert.equal(await section(bo.page, "Working hours").locator("textarea").isDisabled(), false, "the other sections stay open");
  await visible(bo.page.getByText("Ana is typing"), "Ana is typing, for Bo");
  await visible(boWelcome.locator(".rtux-field-badge", { hasText: "Ana" }), "Ana's field badge on the body, for Bo");
  await shot(bo.page, "example-docs-locked");
  await hidden(bo.page.getByText("Ana is typing"), "the typing line clears after she stops", 6000);

  // Ana reloads before saving: her draft comes back; her lock went with her old page.
  await ana.page.waitForTimeout(2500); // drafts reach the server at most every 2 s
  await ana.page.reload();
  await ana.page.waitForSelector("[data-rtux-app].rtux-connected");
  await visible(section(ana.page, "Welcome").getByText(/Draft restored/), "Draft restored, for Ana");
  assert.match(await section(ana.page, "Welcome").locator("textarea").inputValue(), /Ask Ana anything\.$/, "her text is back");
  await hidden(boWelcome.getByText("Ana is editing"), "the lock released when her page went");
  assert.equal(await boWelcome.locator("textarea").isDisabled(), false, "Bo may type there again");

  // She saves it: Bo sees the text; the section unlocks when she leaves it.
  await section(ana.page, "Welcome").getByRole("button", { name: "Save section" }).click();
  await bo.page.waitForFunction(() => [...document.querySelectorAll(".section textarea")].some((t) => t.value.endsWith("Ask Ana anything.")));
  await ana.page.locator(".top").click();
  await hidden(boWelcome.getByText("Ana is editing"), "unlocked once she left the section");

  // At once: Ana renames the document, Bo adds a tag from the version he
  // loaded. Both saves land, field by field: no conflict.
  const boTags = bo.page.locator("input[name=tags]");
  await boTags.fill("guide, team, onboarding");
  const anaTitle = ana.page.locator("input[name=title]");
  await anaTitle.fill("Team handbook 2027");
  await ana.page.locator(".heading").getByRole("button", { name: "Save" }).click();
  await bo.page.waitForFunction(() => document.querySelector("input[name=title]").value === "Team handbook 2027");
  await bo.page.locator(".heading").getByRole("button", { name: "Save" }).click();
  for (const p of [ana.page, bo.page]) {
    await visible(p.locator(".heading .tag", { hasText: "onboarding" }), "the merged tag");
    assert.equal(await p.locator("input[name=title]").inputValue(), "Team handbook 2027", "the merged title");
    assert.deepEqual(await p.locator(".heading .tag").allTextContents(), ["guide", "team", "onboarding"]);
  }
  assert.equal(await bo.page.locator(".rtux-conflict").count(), 0, "no conflict panel for different fields");
  await shot(bo.page, "example-docs");

  // The connection drops for 4 s: no banner for the first 2 s, then the banner,
  // gone once back; what Bo typed meanwhile is still there and saves.
  const boHours = section(bo.page, "Working hours").locator("textarea");
  const banner = bo.page.locator("[data-rtux-banner]");
  await fetch(`${CONTROL}/outage?ms=4000`);
  await bo.page.waitForTimeout(1000);
  assert.equal(await banner.isVisible(), false, "no banner in the first 2 s");
  await visible(banner, "the reconnect banner, for Bo", 3000);
  await shot(bo.page, "example-docs-offline");
  await boHours.fill("Core hours are 10 to 4.");
  await hidden(banner, "the banner gone once reconnected", 12000);
  await bo.page.waitForSelector("[data-rtux-app].rtux-connected");
  assert.equal(await boHours.inputValue(), "Core hours are 10 to 4.", "what Bo typed offline is kept");
  await section(bo.page, "Working hours").getByRole("button", { name: "Save section" }).click();
  await ana.page.waitForFunction(() => [...document.querySelectorAll(".section textarea")].some((t) => t.value === "Core hours are 10 to 4."));

  await ana.close();
  await bo.close();
});
