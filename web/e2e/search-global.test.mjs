// Search across all my chats in the browser, against the real server (SQLite FTS5): words in
// Japanese, Chinese and Korean text, accents folded, filters, a chat left no longer searched,
// and nothing from a chat I am not in. Data is set up through the API; the search is driven as
// a user would. Playwright's locators wait for each condition with a timeout; nothing sleeps.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser, Server, shot, signIn, until, userPage } from "./harness.mjs";

let server;
let browser;
let run = 0;
const unique = (name) => `${name}${Date.now().toString(36)}${run++}`;

before(async () => {
  server = new Server();
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Users exist once they called /me; returns their ids by username. */
async function users(...names) {
  const ids = {};
  for (const name of names) ids[name] = (await server.api(name, "GET", "/api/v1/me")).id;
  return ids;
}

async function say(username, chatId, text) {
  return server.api(username, "POST", `/api/v1/chats/${chatId}/signals`, { kind: "message", text, clientId: crypto.randomUUID() });
}

/** Waits until the API search of `username` finds `count` hits, so the page never races the indexer. */
async function indexed(username, q, count) {
  await until(async () => (await server.api(username, "GET", `/api/v1/search?q=${encodeURIComponent(q)}&limit=100`)).items.length >= count,
    `${count} hits for ${q}`);
}

describe("search across my chats", () => {
  it("finds words in every script across my chats, with filters, and stops searching a chat I left", async () => {
    const [alice, bob, carol] = [unique("alice"), unique("bob"), unique("carol")];
    const ids = await users(alice, bob, carol);
    const paris = await server.api(alice, "POST", "/api/v1/chats", { memberIds: [ids[bob]], name: "Paris" });
    const tokyo = await server.api(alice, "POST", "/api/v1/chats", { memberIds: [ids[carol]], name: "Tokyo" });
    const seoul = await server.api(alice, "POST", "/api/v1/chats", { memberIds: [ids[bob], ids[carol]], name: "Seoul" });
    const secret = await server.api(bob, "POST", "/api/v1/chats", { memberIds: [ids[carol]], name: "Secret" });
    await say(bob, paris.id, "Un café à Besançon, 东京的天气 我喜欢在北京吃烤鸭");
    await say(carol, tokyo.id, "東京の天気は晴れです");
    await say(bob, seoul.id, "서울 날씨가 좋아요 天気");
    await say(bob, secret.id, "天気 in a chat Alice is not in");
    await indexed(alice, "天気", 2);
    await indexed(carol, "天気", 3);

    const page = await userPage(browser);
    await signIn(page, server.base, alice);
    const box = page.getByRole("searchbox", { name: "Search all chats" });
    const results = page.getByRole("list", { name: "Results in all chats" }).getByRole("button");

    await box.fill("天気");
    await until(async () => (await results.count()) === 2, "two results for 天気");
    const texts = await results.allInnerTexts();
    assert.ok(texts.some((t) => t.includes("Tokyo")) && texts.some((t) => t.includes("Seoul")), texts.join(" | "));
    assert.ok(!texts.some((t) => t.includes("not in")), "nothing from a chat I am not in");
    assert.equal(await page.locator(".global-search mark", { hasText: "天気" }).count(), 2);

    await box.fill("烤鸭 BESANCON");
    await until(async () => (await results.count()) === 1, "one result for 烤鸭");
    assert.equal(await page.locator(".global-search mark", { hasText: "烤鸭" }).count(), 1);

    // Filters as fields, then typed in the query.
    await box.fill("天気");
    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByLabel("In chat", { exact: true }).selectOption({ label: "Tokyo" });
    await until(async () => (await results.count()) === 1 && (await results.first().innerText()).includes("Tokyo"), "Tokyo only");
    await shot(page, "search-global-filters");
    await page.getByLabel("In chat", { exact: true }).selectOption({ label: "All my chats" });
    await box.fill(`天気 from:@${bob}`);
    await until(async () => (await results.count()) === 1 && (await results.first().innerText()).includes("Seoul"), "Bob's only");

    // A result opens its chat at the message.
    await results.first().click();
    await page.locator(".conv-head", { hasText: "Seoul" }).waitFor();

    // Leaving Tokyo takes it out of the search at once.
    await server.api(alice, "DELETE", `/api/v1/chats/${tokyo.id}/members/${ids[alice]}`);
    await box.fill("晴れ");
    await page.getByText("No messages match.").waitFor();
    await box.fill("天気");
    await until(async () => (await results.count()) === 1, "one result after leaving Tokyo");
    await shot(page, "search-global");

    assert.deepEqual(page.consoleErrors, [], "no console errors");
    await page.context().close();
  });
});
