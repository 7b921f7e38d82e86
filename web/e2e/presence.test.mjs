// Presence as two people see it in two browsers against the real server: dots on avatars,
// status emoji and text, the status picker, do not disturb. Locators wait with a timeout;
// nothing sleeps.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser, Server, shot, signIn, userPage } from "./harness.mjs";

let server;
let browser;
let run = 0;
const unique = (name) => `${name}${Date.now().toString(36)}${run++}`;

before(async () => {
  // Short timings, so going offline is seen within the test.
  server = new Server({ Presence__OfflineGrace: "00:00:01", Presence__Coalesce: "00:00:00.200", Presence__SweepInterval: "00:00:00.500" });
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Two users with a direct chat made through the API, so the browsers start with it listed. */
async function pair() {
  const [a, b] = [unique("alice"), unique("bob")];
  const alice = await server.api(a, "GET", "/api/v1/me");
  await server.api(b, "GET", "/api/v1/me");
  const bob = await server.api(b, "GET", "/api/v1/me");
  await server.api(a, "POST", "/api/v1/chats", { memberIds: [bob.id] });
  return { a, b, alice, bob };
}

async function page(username) {
  const p = await userPage(browser);
  await signIn(p, server.base, username);
  return p;
}

const partnerDot = (p, name) => p.locator(".chat-row", { hasText: name }).locator(".presence-dot");

describe("presence", () => {
  it("shows a partner online while their app is open and offline after they close it", async () => {
    const { a, b } = await pair();
    const bobPage = await page(b);
    await partnerDot(bobPage, a).and(bobPage.locator('[data-presence="offline"]')).waitFor();

    const alicePage = await page(a);
    await partnerDot(bobPage, a).and(bobPage.locator('[data-presence="online"]')).waitFor();
    await shot(bobPage, "presence-online");

    await alicePage.context().close();
    await partnerDot(bobPage, a).and(bobPage.locator('[data-presence="offline"]')).waitFor();
    assert.deepEqual(bobPage.consoleErrors, [], "no console errors");
    await bobPage.context().close();
  });

  it("shows what changed while the chat list was loading: a partner's new status and a new chat", async () => {
    const { a, b, bob } = await pair();
    const c = unique("carol");
    const carol = await server.api(c, "GET", "/api/v1/me");

    // Bob's first chat list is read, then held back until both changes have reached his browser
    // over the live stream: it is older than they are when it lands.
    const bobPage = await userPage(browser);
    let release;
    const held = new Promise((resolve) => (release = resolve));
    let listRead;
    const listWasRead = new Promise((resolve) => (listRead = resolve));
    let first = true;
    await bobPage.route(/\/api\/v1\/chats\?/, async (route) => {
      if (!first || route.request().method() !== "GET") return route.continue();
      first = false;
      const response = await route.fetch();
      listRead();
      await held;
      await route.fulfill({ response });
    });
    await signIn(bobPage, server.base, b);
    await listWasRead;

    await server.api(a, "PUT", "/api/v1/me/status", { emoji: "🍽️", text: "Lunch" });
    // The new chat's event makes the browser fetch that chat: then the status event, published
    // before it on the same stream, has been handled too.
    const fetched = bobPage.waitForResponse((r) => /\/api\/v1\/chats\/[0-9a-f-]{36}$/.test(r.url()));
    const group = await server.api(a, "POST", "/api/v1/chats", { memberIds: [bob.id, carol.id], name: unique("lunch") });
    await fetched;
    release();

    await bobPage.locator(".chat-row", { hasText: group.name }).waitFor();
    await bobPage.locator(".chat-row", { hasText: a }).getByText("🍽️").waitFor();
    assert.deepEqual(bobPage.consoleErrors, [], "no console errors");
    await bobPage.context().close();
  });

  it("sets a status with an expiry in the picker, shows it to the partner, and toggles do not disturb", async () => {
    const { a, b } = await pair();
    const alicePage = await page(a);
    const bobPage = await page(b);

    // The user's own input tells the server they are here (not "away"), at most once a minute.
    const pinged = alicePage.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/me/activity"));
    await alicePage.getByRole("button", { name: "Set a status" }).click();
    await pinged;
    await alicePage.getByRole("button", { name: "🍽️ Lunch" }).click();
    assert.equal(await alicePage.getByRole("combobox", { name: "Clear after" }).inputValue(), "30m");
    await alicePage.getByRole("button", { name: "Save" }).click();
    await alicePage.getByRole("button", { name: "Set a status" }).filter({ hasText: "Lunch" }).waitFor();

    await bobPage.locator(".chat-row", { hasText: a }).getByText("🍽️").waitFor();
    await bobPage.locator(".chat-row", { hasText: a }).click();
    await bobPage.locator(".conv-head").getByText("🍽️ Lunch", { exact: false }).waitFor();

    const dnd = alicePage.getByRole("button", { name: "Do not disturb" });
    await dnd.click();
    await alicePage.locator('.sidebar-head [data-presence="dnd"]').waitFor();
    assert.equal(await dnd.getAttribute("aria-pressed"), "true");
    await bobPage.locator('.conv-head [data-presence="dnd"]').waitFor();
    await shot(bobPage, "presence-dnd");
    // Do not disturb keeps the status and when it clears ("30 minutes").
    const { presence } = await server.api(a, "GET", "/api/v1/me");
    assert.equal(presence.status.text, "Lunch");
    assert.ok(presence.status.expiresAt, "the status still expires");

    await bobPage.getByRole("button", { name: "Members" }).click();
    const aliceMember = bobPage.locator(".members li", { hasText: `@${a}` });
    await aliceMember.locator('[data-presence="dnd"]').waitFor();
    await aliceMember.getByText("🍽️ Lunch", { exact: false }).waitFor();
    await shot(bobPage, "presence-members");
    await bobPage.keyboard.press("Escape");

    await dnd.click();
    await alicePage.locator('.sidebar-head [data-presence="online"]').waitFor();
    await bobPage.locator('.conv-head [data-presence="online"]').waitFor();

    for (const p of [alicePage, bobPage]) {
      assert.deepEqual(p.consoleErrors, [], "no console errors");
      await p.context().close();
    }
  });
});
