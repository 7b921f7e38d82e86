// End-to-end encrypted chats in two browsers against the real server (docs/e2ee.md): each
// browser makes its own device keys, the messages are sealed and opened in the pages, and the
// server is read as the test to see that it holds ciphertext only. Nothing is mocked.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

async function person(name) {
  const page = await userPage(browser);
  await signIn(page, server.base, name);
  return page;
}

async function send(page, text) {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

// A 1×1 PNG.
const tinyPng = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

const message = (page, text) => page.locator("li.msg", { hasText: text });

/** Every file the server wrote (database, its WAL, search index, blobs) that holds `text`. */
function filesHolding(folder, text) {
  const needle = Buffer.from(text);
  const found = [];
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

/** A user's live stream as the server sends it, read raw until `done(text so far)`. */
async function readStream(base, token, done) {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/events`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    ready: (async () => {
      while (!done(text)) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        text += decoder.decode(value, { stream: true });
      }
      controller.abort();
      return text;
    })(),
  };
}

async function safetyNumberWith(page, name) {
  await page.getByRole("button", { name: "Encryption and safety numbers" }).click();
  const member = page.getByTestId("safety-member").filter({ hasText: name });
  const number = (await member.getByTestId("safety-number").innerText()).replace(/\s+/g, " ").trim();
  await page.keyboard.press("Escape");
  return number;
}

describe("end-to-end encrypted chats", () => {
  it("two browsers exchange sealed messages, keep reading after a reload, and see a key change", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const b = await person(bob);
    const a = await person(alice);

    await a.getByRole("button", { name: "New chat" }).first().click();
    await a.getByRole("tab", { name: "Group" }).click();
    await a.getByLabel("Group name").fill("Secret plans");
    await a.getByRole("searchbox", { name: "Add a member by username" }).fill(bob);
    await a.getByRole("button", { name: new RegExp(`@${bob}`) }).click();
    await a.getByRole("checkbox", { name: /End-to-end encrypted/ }).check();
    await shot(a, "e2ee-new-group");
    await a.getByRole("button", { name: /Create group/ }).click();
    await a.getByRole("heading", { name: /Secret plans/ }).waitFor();
    await a.getByRole("heading", { name: /Secret plans/ }).getByRole("img", { name: "End-to-end encrypted" }).waitFor();
    const chatId = /#\/c\/([0-9a-f-]{36})/.exec(a.url())[1];
    // Bob's live stream, raw, until the first message's signal came (after its key share).
    const bobStream = await readStream(server.base, await server.token(bob), (t) => t.includes("event: signal"));

    await send(a, "The cake is in the fridge");
    await b.locator(".chat-row", { hasText: "Secret plans" }).getByRole("img", { name: "End-to-end encrypted" }).waitFor();
    await b.locator(".chat-row", { hasText: "Secret plans" }).click();
    await message(b, "The cake is in the fridge").waitFor();
    await send(b, "Then I bring candles");
    await message(a, "Then I bring candles").waitFor();
    await message(b, "Then I bring candles").locator(".meta").waitFor();

    // A picture: sealed in Alice's browser, uploaded as opaque bytes, opened in Bob's.
    await a.getByTestId("file-input").setInputFiles({ name: "map.png", mimeType: "image/png", buffer: tinyPng });
    await a.getByTestId("upload").getByText("Ready").waitFor();
    await a.getByRole("button", { name: "Send" }).click();
    const picture = b.getByRole("img", { name: "map.png" });
    await picture.waitFor();
    await until(() => picture.evaluate((img) => img.complete && img.naturalWidth === 1), "the picture to be decrypted and drawn");
    await shot(a, "e2ee-alice");
    await shot(b, "e2ee-bob");

    // The server holds sealed messages only: `encrypted`, no text, no plaintext anywhere.
    const page = await server.api(alice, "GET", `/api/v1/chats/${chatId}/signals?limit=50`);
    const sealed = page.items.filter((s) => s.kind === "message");
    assert.equal(sealed.length, 3);
    for (const s of sealed) {
      assert.equal(s.text, null);
      assert.ok(s.encrypted?.ciphertext && s.encrypted.signature, "a sealed message");
    }
    const stored = JSON.stringify(page);
    assert.ok(!stored.includes("cake") && !stored.includes("candles") && !stored.includes("map.png"), "no plaintext on the server");
    const file = sealed.flatMap((s) => s.attachments ?? [])[0];
    assert.equal(file.name, "encrypted.bin");
    const bytes = Buffer.from(await (await fetch(`${server.base}${file.contentUrl}`, { headers: { Authorization: `Bearer ${await server.token(alice)}` } })).arrayBuffer());
    assert.equal(bytes.length, tinyPng.length + 16, "the picture's bytes and the GCM tag");
    assert.ok(!bytes.subarray(1, 4).equals(Buffer.from("PNG")), "not the picture's bytes");
    // Nor in anything the server wrote to disk (SQLite file and WAL, search index, blobs), nor on the live stream.
    for (const text of ["The cake is in the fridge", "Then I bring candles", "map.png"]) {
      assert.deepEqual(filesHolding(server.folder, text), [], `no file of the server holds "${text}"`);
    }
    const streamed = await bobStream.ready;
    assert.ok(streamed.includes("event: device_message") && streamed.includes('"ciphertext"'), "the key share and the sealed message came live");
    assert.ok(!streamed.includes("fridge"), "no plaintext on the live stream");

    // The server cannot search here: the browser searches what it opened.
    await b.getByRole("button", { name: "Search in this chat" }).click();
    await b.getByTestId("search-encrypted").waitFor();
    await b.getByRole("searchbox", { name: "Search messages" }).fill("fridge");
    await b.getByRole("list", { name: "Search results" }).getByText("fridge").waitFor();
    await shot(b, "e2ee-local-search");
    await b.getByRole("button", { name: "Close search" }).click();

    // A reload keeps the device and its chains (IndexedDB): history stays readable.
    await b.reload();
    await message(b, "The cake is in the fridge").waitFor();
    await message(b, "Then I bring candles").waitFor();
    await b.getByRole("img", { name: "map.png" }).waitFor();
    assert.equal(await b.getByTestId("undecryptable").count(), 0);

    // Both sides compute the same safety number.
    const seenByAlice = await safetyNumberWith(a, bob);
    const seenByBob = await safetyNumberWith(b, alice);
    assert.match(seenByAlice, /^(\d{5} ){11}\d{5}$/);
    assert.equal(seenByAlice, seenByBob);
    // Alice compared them with Bob: she marks him verified.
    await a.getByRole("button", { name: "Encryption and safety numbers" }).click();
    await a.getByRole("button", { name: `Mark ${bob} as verified` }).click();
    await a.getByTestId("safety-member").filter({ hasText: bob }).getByTestId("verified").waitFor();
    await shot(a, "e2ee-verified");
    await a.keyboard.press("Escape");

    // Bob signs in on a new browser (a new device, new keys): Alice is warned in the timeline.
    const b2 = await person(bob);
    await a.getByTestId("key-warning").filter({ hasText: bob }).waitFor();
    await shot(a, "e2ee-key-warning");
    assert.notEqual(await safetyNumberWith(a, bob), seenByAlice, "the safety number changed");
    // New keys: Bob is no longer marked verified.
    await a.getByRole("button", { name: "Encryption and safety numbers" }).click();
    await a.getByRole("button", { name: `Mark ${bob} as verified` }).waitFor();
    assert.equal(await a.getByTestId("verified").count(), 0, "the verified mark went with the old keys");
    await a.keyboard.press("Escape");

    // The new device cannot read what was sent before; what Alice sends now, it reads.
    await b2.locator(".chat-row", { hasText: "Secret plans" }).click();
    await until(async () => (await b2.getByTestId("undecryptable").count()) === 3, "old messages sealed on the new device");
    await send(a, "Welcome, new phone");
    await message(b2, "Welcome, new phone").waitFor();
    await message(b, "Welcome, new phone").waitFor();
    await shot(b2, "e2ee-new-device");

    // Bob is removed: Alice's next message is on a new chain, shared with none of Bob's devices.
    const shares = [];
    a.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/api/v1/devices/messages")) shares.push(request.postDataJSON());
    });
    const bobId = (await server.api(bob, "GET", "/api/v1/me")).id;
    const welcomeChain = (await server.api(alice, "GET", `/api/v1/chats/${chatId}/signals?limit=1`)).items[0].encrypted.chainId;
    await server.api(alice, "DELETE", `/api/v1/chats/${chatId}/members/${bobId}`);
    await send(a, "Bob cannot read this");
    await message(a, "Bob cannot read this").locator(".meta").waitFor();
    // The bubble shows before the sealed send (key shares first) is stored: wait for the stored one.
    let last;
    await until(async () => {
      last = (await server.api(alice, "GET", `/api/v1/chats/${chatId}/signals?limit=1`)).items[0];
      return last?.encrypted !== undefined && last.encrypted !== null;
    }, "the sealed message after the removal stored");
    assert.equal(last.text, null);
    assert.notEqual(last.encrypted.chainId, welcomeChain, "a new chain after the removal");
    assert.ok(shares.flatMap((s) => s.messages).every((m) => m.userId !== bobId), "no key share for the removed member's devices");
    assert.equal(await message(b, "Bob cannot read this").count(), 0);

    for (const p of [a, b, b2]) {
      assert.deepEqual(p.consoleErrors, [], "no console errors");
      await p.context().close();
    }
  });
});
