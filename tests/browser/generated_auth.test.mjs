// Accounts made by `rtux gen auth`, in Chromium as people use them: sent to
// sign in from a signed-in-only page and back after, every bad input said
// beside its field, wrong passwords told apart from nothing, two people in two
// browsers seeing each other's names, a draft typed on one device restored on
// another of the same person's, and signing out closing the session's other
// tab's socket until they sign in again. Every page fails its test on any console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, shot, watchErrors, teachSeen, REFUSED_SOCKET } from "./see.mjs";
import { URL_, start, kill } from "./app.mjs";

const PASSWORD = "correct horse battery staple";
let browser;

before(async () => {
  browser = await launch();
  await start();
});
after(async () => {
  await browser.close();
  await kill();
});

// A browser of its own (cookies apart), and its pages, each watched for errors.
const person = async () => {
  const context = await browser.newContext();
  await teachSeen(context);
  const watches = [];
  const page = async () => {
    const p = await context.newPage();
    const watch = watchErrors(p);
    watches.push(watch);
    return { page: p, watch };
  };
  return { context, page, close: async () => { await context.close(); watches.forEach((w) => w.check()); } };
};

const signUp = async (page, name, email) => {
  await page.fill("#sign-up-name", name);
  await page.fill("#sign-up-email", email);
  await page.fill("#sign-up-password", PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
};

test("sign up, sign in in two browsers, see each other's names, sign out ends the session's socket", async () => {
  const ana = await person();
  const { page: a1, watch: a1watch } = await ana.page();

  // A page for signed-in people sends a visitor to sign in, and back after.
  await a1.goto(`${URL_}/items`);
  assert.equal(new URL(a1.url()).pathname, "/sign-in");
  await visible(a1.getByRole("heading", { name: "Sign in" }), "the sign-in page");
  await a1.getByRole("link", { name: "Create an account" }).last().click();
  await visible(a1.getByRole("heading", { name: "Create your account" }), "the sign-up page");

  // Every field to fix, said beside it; what was typed stays, the password does not.
  await a1.fill("#sign-up-name", "Ana");
  await a1.fill("#sign-up-email", "ana-at-example");
  await a1.fill("#sign-up-password", "tiny pw");
  await a1.getByRole("button", { name: "Create account" }).click();
  await visible(a1.getByText("Enter an email address like ana@example.com."), "the email's message");
  await visible(a1.getByText("Use a password of at least 12 characters"), "the password's message");
  assert.equal(await a1.inputValue("#sign-up-email"), "ana-at-example");
  assert.equal(await a1.inputValue("#sign-up-password"), "");
  assert.equal(await a1.getAttribute("#sign-up-email", "aria-invalid"), "true");
  await shot(a1, "generated-auth-sign-up-errors", { fullPage: true });
  a1watch.allow(/status of 422/);

  await signUp(a1, "Ana", "ana@example.com");
  await a1.waitForURL(`${URL_}/items`);
  await visible(a1.getByText("Signed in as"), "who is signed in");
  await visible(a1.locator(".account strong", { hasText: "Ana" }), "Ana's name");
  await a1.waitForSelector("[data-rtux-app].rtux-connected");

  // Bo: a wrong password reads like an unknown account; then he signs up and in.
  const bo = await person();
  const { page: b, watch: bwatch } = await bo.page();
  await b.goto(`${URL_}/sign-in?next=/items`);
  await b.fill("#sign-in-email", "ana@example.com");
  await b.fill("#sign-in-password", "not her password at all");
  await b.getByRole("button", { name: "Sign in" }).click();
  await visible(b.getByRole("alert").filter({ hasText: "Wrong email or password." }), "the refusal");
  bwatch.allow(/status of 401/);
  await b.goto(`${URL_}/sign-up?next=/items`);
  await signUp(b, "Bo", "bo@example.com");
  await b.waitForURL(`${URL_}/items`);
  await b.waitForSelector("[data-rtux-app].rtux-connected");

  // Each sees the other by the name they signed up with.
  await visible(a1.locator('.rtux-avatar[title="Bo"]'), "Bo, for Ana");
  await visible(b.locator('.rtux-avatar[title="Ana"]'), "Ana, for Bo");
  await visible(b.getByText("2 people viewing"), "2 people viewing");
  await shot(b, "generated-auth-two-people", { fullPage: true });

  // Ana signs in on a second device: a session of its own.
  const phone = await person();
  const { page: p } = await phone.page();
  await p.goto(`${URL_}/sign-in?next=/items`);
  await p.fill("#sign-in-email", "ana@example.com");
  await p.fill("#sign-in-password", PASSWORD);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.waitForURL(`${URL_}/items`);
  await p.waitForSelector("[data-rtux-app].rtux-connected");

  // A draft follows Ana to her phone: typed on the laptop, not saved.
  await a1.fill("form[data-rtux-insert] input[name=name]", "Milk");
  await a1.fill("form[data-rtux-insert] input[name=count]", "1");
  await a1.getByRole("button", { name: "Add", exact: true }).click();
  const edit = (page) => page.locator("[data-rtux-list] > li[id] form[data-rtux-draft]").first();
  await visible(edit(a1).locator("input[name=name]"), "the new item's form");
  await a1.waitForFunction(() => !document.querySelector("[data-rtux-list] > li.rtux-pending"));
  await edit(a1).locator("input[name=name]").fill("Oat milk");
  await new Promise((r) => setTimeout(r, 1000));
  await p.reload();
  await p.waitForSelector("[data-rtux-app].rtux-connected");
  await visible(edit(p).getByText("Draft restored from"), "the restored draft's notice on the phone");
  assert.equal(await edit(p).locator("input[name=name]").inputValue(), "Oat milk", "what Ana typed on the laptop");
  await shot(p, "generated-auth-draft-restored", { fullPage: true });
  await edit(p).getByRole("button", { name: "Discard" }).click();
  await hidden(edit(p).getByText("Draft restored from"), "the notice, once discarded");
  assert.equal(await edit(p).locator("input[name=name]").inputValue(), "Milk", "back to the saved value");
  await p.reload();
  await p.waitForSelector("[data-rtux-app].rtux-connected");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await edit(p).getByText("Draft restored from").count(), 0, "a discarded draft stays gone");
  // Bo never sees Ana's draft.
  assert.equal(await edit(b).locator("input[name=name]").inputValue(), "Milk");
  assert.equal(await b.getByText("Draft restored from").count(), 0);

  // A second tab of the laptop's session; the first signs out.
  const { page: a2, watch: a2watch } = await ana.page();
  await a2.goto(`${URL_}/items`);
  await a2.waitForSelector("[data-rtux-app].rtux-connected");
  a2watch.allow(REFUSED_SOCKET);
  a2watch.allow(/status of 401/);
  await a1.getByRole("button", { name: "Sign out", exact: true }).click();
  await a1.waitForURL(`${URL_}/`);
  await visible(a1.getByRole("link", { name: "Sign in" }), "signed out: the sign-in link");

  // The laptop's other tab lost its socket and says why; the phone's stays.
  await a2.waitForSelector("[data-rtux-app]:not(.rtux-connected)", { timeout: 5000 });
  await visible(a2.getByText("You are signed out here."), "the signed-out banner in the other tab", 8000);
  await hidden(a2.getByText("Reconnecting…"), "no promise to reconnect");
  // Its nav follows: no "Signed in as", a way to sign in instead.
  await hidden(a2.getByText("Signed in as"), "no 'Signed in as' in the signed-out tab");
  await hidden(a2.getByRole("button", { name: "Sign out", exact: true }), "no Sign out in the signed-out tab");
  await visible(a2.locator("nav.account").getByRole("link", { name: "Sign in" }), "Sign in, in the signed-out tab's nav");
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await a2.locator("[data-rtux-app].rtux-connected").count(), 0, "the ended session's tab stays disconnected");
  assert.equal(await p.locator("[data-rtux-app].rtux-connected").count(), 1, "the phone's session is another");
  await visible(b.locator('.rtux-avatar[title="Ana"]'), "Ana (on her phone), for Bo");
  await shot(a2, "generated-auth-signed-out-tab", { fullPage: true });

  // Signed in again in the first tab: the other carries on by itself.
  await a1.goto(`${URL_}/sign-in?next=/items`);
  await a1.fill("#sign-in-email", "ana@example.com");
  await a1.fill("#sign-in-password", PASSWORD);
  await a1.getByRole("button", { name: "Sign in" }).click();
  await a1.waitForURL(`${URL_}/items`);
  await a2.waitForSelector("[data-rtux-app].rtux-connected", { timeout: 12000 });
  await hidden(a2.getByText("You are signed out here."), "the signed-out banner, once signed in again");
  await visible(a2.getByText("Signed in as"), "the nav says who is signed in again");

  // Sign out everywhere, from the phone: the laptop's tabs close too, and
  // Ana is gone for Bo.
  await p.getByRole("button", { name: "Sign out everywhere" }).click();
  await p.waitForURL(`${URL_}/`);
  await visible(a2.getByText("You are signed out here."), "signed out everywhere: the laptop's tab too", 8000);
  await hidden(b.locator('.rtux-avatar[title="Ana"]'), "Ana, for Bo, once she signed out everywhere", 8000);
  await ana.close();
  await bo.close();
  await phone.close();
});
