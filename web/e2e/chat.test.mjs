// Two people in two browser contexts against the real server: every screen a user sees, driven
// as a user would (clicks, typing, Enter). Playwright's locators wait for each condition with a
// timeout; nothing sleeps.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deflateSync } from "node:zlib";
import { launchBrowser, openDirectChat, profilePage, Server, shot, signIn, stubJitsi, until, userPage } from "./harness.mjs";

const phone = { width: 390, height: 844 };
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

async function people(...names) {
  const pages = [];
  for (const name of names) {
    const page = await userPage(browser);
    await signIn(page, server.base, name);
    pages.push(page);
  }
  return pages;
}

async function closeAll(...pages) {
  for (const page of pages) {
    assert.deepEqual(page.consoleErrors, [], "no console errors");
    await page.context().close();
  }
}

async function send(page, text) {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

async function assertNoSidewaysOverflow(page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  assert.ok(scrollWidth <= clientWidth, `nothing overflows sideways (${scrollWidth} > ${clientWidth})`);
  const header = await page.locator(".sidebar-head, .conv-head").first().evaluate((el) => el.scrollWidth <= el.clientWidth);
  assert.ok(header, "the header fits");
}

/** A real PNG (a gradient) made here, so the server's image pipeline decodes it. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = 255 - Math.round((y / height) * 120);
      rows[row + 2 + x * 3] = Math.round((x / width) * 140) + 60;
      rows[row + 3 + x * 3] = Math.round((y / height) * 200);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const message = (page, text) => page.locator("li.msg", { hasText: text });

describe("web client", () => {
  it("two users chat live: direct chat, unread badge, messages both ways, seen by", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [a, b] = await people(alice, bob);

    await openDirectChat(a, bob);
    await shot(a, "desktop-empty-conversation");
    await send(a, "Hello Bob, lunch at noon?");
    // Shown at once (optimistic), then confirmed by the server: no duplicate.
    await message(a, "Hello Bob, lunch at noon?").and(a.locator(":not(.pending)")).waitFor();

    // Bob's list gets the chat live, with an unread badge and the last message.
    const row = b.locator(".chat-row", { hasText: alice });
    await row.locator(".badge", { hasText: "1" }).waitFor();
    await row.getByText("Hello Bob, lunch at noon?").waitFor();
    await shot(b, "desktop-chat-list-unread");

    await row.click();
    await message(b, "Hello Bob, lunch at noon?").waitFor();
    await assert.doesNotReject(row.locator(".badge").waitFor({ state: "detached" }));

    // Alice sees that Bob read it.
    await a.getByTestId("seen-by").filter({ hasText: `Seen by ${bob}` }).waitFor();

    await send(b, "Sure, see you there 🙂");
    await message(a, "Sure, see you there").waitFor();
    await send(a, "Line one");
    await message(b, "Line one").waitFor();
    assert.equal(await message(a, "Hello Bob, lunch at noon?").count(), 1, "the echo was replaced, not duplicated");
    await shot(a, "desktop-conversation");
    await closeAll(a, b);
  });

  it("reactions: pick one, see counts live, remove it, see who reacted", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [a, b] = await people(alice, bob);
    await openDirectChat(a, bob);
    await send(a, "React to this");
    await b.locator(".chat-row", { hasText: alice }).click();

    const theirs = message(b, "React to this");
    await theirs.hover();
    await theirs.getByRole("button", { name: "Add reaction" }).click();
    await b.getByRole("menuitem", { name: "React with 🎉" }).click();
    await theirs.getByRole("button", { name: /🎉 1, yours/ }).waitFor();

    // Alice sees Bob's reaction live, and adds hers to it.
    const mine = message(a, "React to this");
    await mine.getByRole("button", { name: /🎉 1: add yours/ }).click();
    await mine.getByRole("button", { name: /🎉 2, yours/ }).waitFor();
    await theirs.getByRole("button", { name: /🎉 2, yours/ }).waitFor();

    // Who reacted.
    await mine.hover();
    await mine.getByRole("button", { name: "Message details" }).click();
    const reacted = a.getByTestId("who-reacted");
    await reacted.getByText(bob).waitFor();
    await reacted.getByText("You").waitFor();
    await shot(a, "desktop-message-details");
    await a.keyboard.press("Escape");

    // Bob takes his back: the count drops for both.
    await theirs.getByRole("button", { name: /🎉 2, yours/ }).click();
    await mine.getByRole("button", { name: /🎉 1, yours/ }).waitFor();
    await theirs.getByRole("button", { name: /🎉 1: add yours/ }).waitFor();
    await closeAll(a, b);
  });

  it("groups: create one, add and remove members, joined and left shown apart, call signals", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const carol = unique("carol");
    await server.api(carol, "GET", "/api/v1/me");
    const [a, b] = await people(alice, bob);

    await a.getByRole("button", { name: "New chat" }).first().click();
    await a.getByRole("tab", { name: "Group" }).click();
    await a.getByLabel("Group name").fill("Lunch crew");
    await a.getByRole("searchbox", { name: "Add a member by username" }).fill(bob);
    await a.getByRole("button", { name: new RegExp(`@${bob}`) }).click();
    await shot(a, "desktop-new-group");
    await a.getByRole("button", { name: /Create group/ }).click();
    await a.getByRole("heading", { name: "Lunch crew" }).waitFor();
    await send(a, "Welcome to the crew");

    await b.locator(".chat-row", { hasText: "Lunch crew" }).click();
    await message(b, "Welcome to the crew").waitFor();

    // Alice adds Carol: both see the joined line.
    await a.getByRole("button", { name: "Members" }).click();
    await a.getByRole("searchbox", { name: "Add a member by username" }).fill(carol);
    await a.getByRole("button", { name: new RegExp(`@${carol}`) }).click();
    await a.getByRole("dialog").getByText(`@${carol}`).waitFor();
    await shot(a, "desktop-members");
    await a.getByRole("dialog").getByRole("button", { name: `Remove ${carol}` }).click();
    await a.getByRole("dialog").getByText(`@${carol}`).waitFor({ state: "detached" });
    await a.keyboard.press("Escape");

    await b.locator('li.system[data-kind="member_joined"]', { hasText: `${carol} joined` }).waitFor();
    await b.locator('li.system[data-kind="member_left"]', { hasText: `${carol} left` }).waitFor();
    await b.getByText("2 members").waitFor();

    // A call signal is a card of its own (the conference opens in a stubbed Jitsi frame).
    await stubJitsi(a);
    await a.getByRole("button", { name: "Start a video call" }).click();
    await b.locator('li.call[data-kind="call_started"]', { hasText: `${alice} started a video call` }).waitFor();
    await shot(b, "desktop-group-signals");

    // Bob leaves: the chat goes from his list, Alice sees him leave.
    await b.getByRole("button", { name: "Members" }).click();
    await b.getByRole("dialog").getByRole("button", { name: "Leave" }).click();
    await b.locator(".chat-row", { hasText: "Lunch crew" }).waitFor({ state: "detached" });
    await a.locator('li.system[data-kind="member_left"]', { hasText: `${bob} left` }).waitFor();
    await closeAll(a, b);
  });

  it("history: scrolls back through older pages and jumps to a message", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const bobUser = await server.api(bob, "GET", "/api/v1/me");
    const chat = await server.api(alice, "POST", "/api/v1/chats", { memberIds: [bobUser.id] });
    const sent = [];
    for (let i = 1; i <= 120; i++) {
      sent.push(await server.api(i % 2 ? alice : bob, "POST", `/api/v1/chats/${chat.id}/signals`, { text: `history ${i}`, clientId: `h${i}` }));
    }
    const [a] = await people(alice);
    await a.locator(".chat-row", { hasText: bob }).click();
    await message(a, "history 120").waitFor();
    assert.equal(await message(a, "history 1").filter({ hasText: /^history 1\b/ }).count(), 0, "only the newest page at first");

    // Scroll to the top until the first message is there: two older pages come in.
    const timeline = a.locator(".timeline");
    await until(async () => {
      await timeline.evaluate((el) => el.scrollTo({ top: 0 }));
      return (await a.locator("li.msg .text", { hasText: /^history 1$/ }).count()) === 1;
    }, "the first message after scrolling back");
    await a.getByText("This is the beginning of your chat").waitFor();
    assert.equal(await a.locator("li.msg").count(), 120);

    // A link to one message opens the chat around it, highlighted.
    await a.goto(`${server.base}/#/c/${chat.id}/m/${sent[29].id}`);
    await a.locator(`li.msg.highlight[data-signal-id="${sent[29].id}"]`).waitFor();
    await a.locator(`li[data-signal-id="${sent[29].id}"]`).evaluate((el) => {
      const box = el.getBoundingClientRect();
      if (box.bottom < 0 || box.top > window.innerHeight) throw new Error("not scrolled into view");
    });
    await shot(a, "desktop-jump");

    // From there, back to the newest messages.
    await a.getByRole("button", { name: "Latest" }).click();
    await message(a, "history 120").waitFor();
    await a.getByRole("button", { name: "Latest" }).waitFor({ state: "detached" });
    await closeAll(a);
  });

  it("search in chat and jump to a result", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const bobUser = await server.api(bob, "GET", "/api/v1/me");
    const chat = await server.api(alice, "POST", "/api/v1/chats", { memberIds: [bobUser.id] });
    const target = await server.api(bob, "POST", `/api/v1/chats/${chat.id}/signals`, { text: "Meet at the <b>Café</b> Rouge at noon", clientId: "s-target" });
    for (let i = 1; i <= 60; i++) {
      await server.api(i % 2 ? alice : bob, "POST", `/api/v1/chats/${chat.id}/signals`, { text: `filler ${i}`, clientId: `s${i}` });
    }
    // Indexing is asynchronous: wait until the server finds it.
    await until(async () => (await server.api(alice, "GET", `/api/v1/chats/${chat.id}/search?q=cafe`)).items.length === 1, "the message to be indexed");

    const [a] = await people(alice);
    await a.locator(".chat-row", { hasText: bob }).click();
    await message(a, "filler 60").waitFor();
    await a.getByRole("button", { name: "Search in this chat" }).click();
    const box = a.getByRole("searchbox", { name: "Search messages" });
    await box.fill("nothing like this");
    await a.getByText("No messages match “nothing like this”.").waitFor();

    // Accents ignored, the matched word marked, the message's markup shown as text.
    await box.fill("cafe rou");
    const hit = a.getByRole("list", { name: "Search results" }).getByRole("button");
    await hit.filter({ hasText: "Meet at the <b>" }).waitFor();
    const marks = await hit.locator("mark").allTextContents();
    assert.equal(marks[0], "Café");
    assert.match(marks[1] ?? "", /^Rou/);
    assert.equal(await hit.locator("b").count(), 0, "no HTML from the snippet");
    await shot(a, "desktop-search");

    await hit.click();
    await a.locator(`li.msg.highlight[data-signal-id="${target.id}"]`).waitFor();
    await a.getByRole("button", { name: "Latest" }).waitFor();
    await closeAll(a);
  });

  it("notifications: the service worker registers, the switch answers quietly, a chat can be muted", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [b] = await people(bob);
    const a = await profilePage();
    await signIn(a, server.base, alice);
    await until(() => a.evaluate(async () => !!(await navigator.serviceWorker.getRegistration("/"))?.active), "the service worker to be active");

    // Headless Chromium has no push service to reach: turning on ends either subscribed or with
    // a message on screen, and never with a console error.
    await a.context().grantPermissions(["notifications"], { origin: server.base });
    await a.getByRole("button", { name: "Settings" }).click();
    const toggle = a.getByRole("checkbox", { name: /Notifications/ });
    await until(() => toggle.isEnabled(), "the notifications switch");
    await toggle.click();
    await until(async () => (await toggle.isChecked()) || (await a.getByTestId("push-message").isVisible()), "the switch to answer", 30_000);
    await shot(a, "desktop-settings-notifications");
    await a.keyboard.press("Escape");

    await openDirectChat(a, bob);
    const chatId = /#\/c\/([0-9a-f-]{36})/.exec(a.url())[1];
    const mute = a.getByRole("button", { name: "Mute notifications" });
    await until(async () => (await mute.getAttribute("aria-pressed")) === "false", "the mute switch, off");
    await mute.click();
    await until(async () => (await mute.getAttribute("aria-pressed")) === "true", "the mute switch, on");
    assert.equal((await server.api(alice, "GET", `/api/v1/chats/${chatId}/settings`)).muted, true);
    await a.reload();
    await until(async () => (await a.getByRole("button", { name: "Mute notifications" }).getAttribute("aria-pressed")) === "true", "the mute switch, still on");
    await a.getByRole("button", { name: "Mute notifications" }).click();
    await until(async () => (await server.api(alice, "GET", `/api/v1/chats/${chatId}/settings`)).muted === false, "the chat unmuted");
    await closeAll(a, b);
  });

  it("attachments: upload an image with progress, see it live, load it by the settings, download a file", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [a, b] = await people(alice, bob);
    await openDirectChat(a, bob);
    await send(a, "Photos coming");
    await b.locator(".chat-row", { hasText: alice }).click();
    await message(b, "Photos coming").waitFor();

    // A file uploaded and then removed from the composer is deleted: no member sees it in the chat's files.
    const chatId = /#\/c\/([0-9a-f-]{36})/.exec(a.url())[1];
    await a.getByTestId("file-input").setInputFiles([{ name: "draft.txt", mimeType: "text/plain", buffer: Buffer.from("not meant to be sent\n") }]);
    await a.getByTestId("upload").filter({ hasText: "draft.txt" }).getByText("Ready").waitFor();
    const listed = async () => (await server.api(bob, "GET", `/api/v1/chats/${chatId}/files`)).items.map((f) => f.name);
    assert.deepEqual(await listed(), ["draft.txt"]);
    await a.getByRole("button", { name: "Remove draft.txt" }).click();
    await until(async () => (await listed()).length === 0, "the removed file gone from the chat's files");

    await a.getByTestId("file-input").setInputFiles([
      { name: "sunset.png", mimeType: "image/png", buffer: png(640, 480) },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("meeting notes\n") },
    ]);
    await a.getByTestId("upload").filter({ hasText: "sunset.png" }).getByText("Ready").waitFor();
    await a.getByTestId("upload").filter({ hasText: "notes.txt" }).getByText("Ready").waitFor();
    await shot(a, "desktop-uploads");
    await a.getByRole("textbox", { name: "Message" }).fill("Here they are");
    await a.getByRole("textbox", { name: "Message" }).press("Enter");

    // Bob sees the image live (by default loaded inline), and the other file as a card.
    const theirs = message(b, "Here they are");
    const image = theirs.locator("img[alt='sunset.png']");
    await image.waitFor();
    await until(() => image.evaluate((img) => img.complete && img.naturalWidth > 0), "the image to be decoded");
    await theirs.getByTestId("file").filter({ hasText: "notes.txt" }).waitFor();
    await shot(b, "desktop-attachments");

    // Downloading the text file gives its bytes.
    const [download] = await Promise.all([b.waitForEvent("download"), theirs.getByRole("button", { name: "Download notes.txt" }).click()]);
    assert.equal(download.suggestedFilename(), "notes.txt");

    // Bob turns automatic loading off: the image waits for a click, then comes as a preview
    // once low quality is on.
    await b.getByRole("button", { name: "Settings" }).click();
    await b.getByLabel("Load images automatically").uncheck();
    await b.getByLabel("Low-quality images").check();
    await b.keyboard.press("Escape");
    const placeholder = message(b, "Here they are").getByTestId("image-placeholder");
    await placeholder.waitFor();
    await shot(b, "desktop-image-not-loaded");
    await placeholder.getByRole("button", { name: "Load image" }).click();
    const preview = message(b, "Here they are").locator("img[alt='sunset.png'][data-quality='preview']");
    await until(() => preview.evaluate((img) => img.complete && img.naturalWidth > 0), "the preview to be decoded");
    await closeAll(a, b);
  });

  it("reconnects by itself after the server restarts, showing it, and goes on live", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [a, b] = await people(alice, bob);
    await openDirectChat(a, bob);
    await send(a, "Before the restart");
    await b.locator(".chat-row", { hasText: alice }).click();
    await message(b, "Before the restart").waitFor();

    await server.stop();
    await a.getByTestId("live-state").filter({ hasText: "Reconnecting" }).waitFor();
    // A message sent meanwhile fails visibly and can be sent again.
    await send(a, "Sent while it was down");
    await message(a, "Sent while it was down").getByText("Not sent").waitFor();
    await shot(a, "desktop-reconnecting");
    await server.start();
    await a.getByTestId("live-state").waitFor({ state: "detached", timeout: 30_000 });
    await b.getByTestId("live-state").waitFor({ state: "detached", timeout: 30_000 });
    await message(a, "Sent while it was down").getByRole("button", { name: "Retry" }).click();
    await message(a, "Sent while it was down").and(a.locator(":not(.pending)")).waitFor();
    await message(b, "Sent while it was down").waitFor();
    assert.equal(await message(b, "Sent while it was down").count(), 1);

    await send(b, "After the restart");
    await message(a, "After the restart").waitFor();
    await send(a, "Still here");
    await message(b, "Still here").waitFor();
    // While the server was down the pages logged failed requests; those are expected here.
    a.consoleErrors.length = 0;
    b.consoleErrors.length = 0;
    await closeAll(a, b);
  });

  it("works at phone width: list, then conversation with a way back", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const bobUser = await server.api(bob, "GET", "/api/v1/me");
    const chat = await server.api(alice, "POST", "/api/v1/chats", { memberIds: [bobUser.id] });
    await server.api(bob, "POST", `/api/v1/chats/${chat.id}/signals`, { text: "A rather long message to see how the bubbles wrap on a small screen, which matters on phones.", clientId: "p1" });
    const a = await userPage(browser, phone);
    await signIn(a, server.base, alice);
    await a.locator(".chat-row", { hasText: bob }).waitFor();
    await assertNoSidewaysOverflow(a);
    await a.getByRole("button", { name: "New chat" }).first().waitFor();
    assert.ok(await a.getByRole("button", { name: "New chat" }).first().isVisible(), "the new chat button is on screen");
    await shot(a, "phone-chat-list");
    await a.getByRole("button", { name: "New chat" }).first().click();
    await a.getByRole("searchbox", { name: "Find a user by username" }).fill(bob.slice(0, 3));
    await a.getByRole("button", { name: new RegExp(`@${bob}`) }).waitFor();
    await shot(a, "phone-new-chat");
    await a.keyboard.press("Escape");
    await a.locator(".chat-row", { hasText: bob }).click();
    await send(a, "Short reply");
    await message(a, "Short reply").and(a.locator(":not(.pending)")).waitFor();
    await assertNoSidewaysOverflow(a);
    await shot(a, "phone-conversation");
    await a.getByRole("button", { name: "Back to chats" }).click();
    await a.locator(".chat-row", { hasText: bob }).waitFor();
    await closeAll(a);
  });

  it("renews its token silently before it expires, and goes on working", async () => {
    // Tokens that live 70 s: oidc-client-ts renews 60 s before expiry, so about 10 s in.
    const shortLived = new Server({ Identity__Embedded__AccessTokenLifetime: "00:01:10" });
    try {
      await shortLived.start();
      const alice = unique("alice");
      const bob = unique("bob");
      await shortLived.api(bob, "GET", "/api/v1/me");
      const a = await userPage(browser);
      await signIn(a, shortLived.base, alice);
      // The access token is in memory only; the tab's session storage has the rest of the sign-in,
      // whose expiry moves on with each renewal. Nothing is in localStorage.
      const stored = () => a.evaluate(() => {
        const key = Object.keys(sessionStorage).find((k) => k.startsWith("petitchat.user:"));
        return {
          user: key ? JSON.parse(sessionStorage.getItem(key)) : null,
          local: Object.keys(localStorage).filter((k) => k.startsWith("oidc.")),
        };
      });
      const first = await stored();
      assert.ok(first.user?.expires_at, "signed in");
      assert.equal(first.user.access_token, undefined, "no access token in session storage");
      assert.deepEqual(first.local, [], "no token in localStorage");
      await until(async () => (await stored()).user?.expires_at !== first.user.expires_at, "a renewed token", 40_000);

      await openDirectChat(a, bob);
      await send(a, "Sent with a renewed token");
      await message(a, "Sent with a renewed token").and(a.locator(":not(.pending)")).waitFor();
      await closeAll(a);
    } finally {
      await shortLived.dispose();
    }
  });

  it("is usable from the keyboard alone, and in the dark colour scheme", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    await server.api(bob, "GET", "/api/v1/me");
    const a = await userPage(browser, { width: 1280, height: 800 }, { colorScheme: "dark" });
    await signIn(a, server.base, alice);

    // Tab to the pencil, open the dialog, type a name, Enter takes the first match.
    await until(async () => {
      await a.keyboard.press("Tab");
      return a.evaluate(() => document.activeElement?.getAttribute("aria-label") === "New chat");
    }, "focus on the New chat button", 10_000);
    await a.keyboard.press("Enter");
    await until(() => a.evaluate(() => document.activeElement?.getAttribute("aria-label") === "Find a user by username"),
      "focus in the dialog's search field", 10_000);
    await a.keyboard.type(bob);
    await a.getByRole("button", { name: new RegExp(`@${bob}`) }).waitFor();
    await a.keyboard.press("Enter");
    // The composer has the focus: type and send with Enter, Shift+Enter for a new line.
    await until(() => a.evaluate(() => document.activeElement?.getAttribute("aria-label") === "Message"), "focus in the composer", 10_000);
    await a.keyboard.type("First line");
    await a.keyboard.press("Shift+Enter");
    await a.keyboard.type("second line");
    await a.keyboard.press("Enter");
    await message(a, "second line").and(a.locator(":not(.pending)")).waitFor();
    assert.equal(await message(a, "second line").locator(".text").innerText(), "First line\nsecond line");
    await shot(a, "desktop-dark-conversation");
    await closeAll(a);
  });

  it("signs out and back in", async () => {
    const alice = unique("alice");
    const [a] = await people(alice);
    await a.getByRole("button", { name: "Sign out" }).click();
    await a.getByRole("button", { name: "Sign in" }).waitFor();
    await shot(a, "desktop-signed-out");
    await a.getByRole("button", { name: "Sign in" }).click();
    // The issuer's session ended too: its login form asks again.
    await a.locator('input[name="username"]').waitFor();
    await closeAll(a);
  });
});
