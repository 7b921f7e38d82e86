// Apps in the web client against the real server: a chat's Integrations panel makes an incoming
// webhook whose url posts as a bot (badge shown), "/" suggests the chat's commands, and the
// built-in /shrug is sent as its text. Playwright's locators wait for each condition; nothing sleeps.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser, Server, shot, signIn, userPage } from "./harness.mjs";

let server;
let browser;
const unique = (name) => `${name}${Date.now().toString(36)}`;

before(async () => {
  server = new Server();
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

describe("apps", () => {
  it("an incoming webhook made in the Integrations panel posts as a bot; / lists the commands", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const bobUser = await server.api(bob, "GET", "/api/v1/me");
    await server.api(alice, "POST", "/api/v1/chats", { name: "Deploys", memberIds: [bobUser.id] });
    const page = await userPage(browser);
    await signIn(page, server.base, alice);
    await page.locator(".chat-row", { hasText: "Deploys" }).click();

    await page.getByRole("button", { name: "Integrations" }).click();
    await page.getByLabel("Webhook name").fill("CI");
    await page.getByRole("button", { name: "Create" }).click();
    const url = await page.getByLabel("Webhook url").inputValue();
    assert.match(url, /\/hooks\/[0-9a-f-]{36}\/[A-Za-z0-9_-]+$/);
    await shot(page, "desktop-integrations");
    await page.getByRole("button", { name: "Close" }).click();

    const posted = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: "build 42 passed" }) });
    assert.equal(posted.status, 201);
    const message = page.locator("li.msg", { hasText: "build 42 passed" });
    await message.waitFor();
    await message.getByTestId("bot-badge").waitFor();

    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("/sh");
    await page.getByRole("listbox", { name: "Commands" }).getByRole("button", { name: /\/shrug/ }).click();
    assert.equal(await box.inputValue(), "/shrug ");
    await box.fill("/shrug fine");
    await box.press("Enter");
    await page.locator("li.msg", { hasText: "fine ¯\\_(ツ)_/¯" }).waitFor();
    await shot(page, "desktop-apps-bot-and-shrug");

    assert.deepEqual(page.consoleErrors, [], "no console errors");
    await page.context().close();
  });
});
