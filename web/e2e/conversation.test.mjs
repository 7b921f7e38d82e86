// Issue 12 in the browser: two people in one direct chat; typing, edit (up-arrow), delete and a
// tombstone, seen from the other side live; threads, @-autocomplete and the mention badge. Locators wait for each condition; nothing sleeps.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser, openDirectChat, Server, shot, signIn, until, userPage } from "./harness.mjs";

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

/** Checks that no page logged an error or got a failed response, then closes them. */
async function closeClean(...pages) {
  for (const page of pages) {
    assert.deepEqual(page.consoleErrors, [], "no console errors");
    await page.context().close();
  }
}

async function person(name) {
  const page = await userPage(browser);
  await signIn(page, server.base, name);
  return page;
}

describe("conversation", () => {
  it("shows typing, edits with the up arrow, replies with a quote and deletes to a tombstone, live for the other member", async () => {
    const [aliceName, bobName] = [unique("alice"), unique("bob")];
    const alice = await person(aliceName);
    const bob = await person(bobName);

    const aliceBox = await openDirectChat(alice, bobName);
    await aliceBox.fill("helo bob");
    await aliceBox.press("Enter");
    await bob.getByText("helo bob").click();

    // Bob types; Alice sees it.
    await bob.getByRole("textbox", { name: "Message" }).pressSequentially("hi");
    await alice.getByTestId("typing").getByText(/is typing…/).waitFor();
    await shot(alice, "conversation-typing");

    // Up arrow in the empty composer edits Alice's last message.
    await aliceBox.fill("");
    await aliceBox.press("ArrowUp");
    const edit = alice.getByRole("textbox", { name: "Edit message" });
    await edit.fill("hello bob");
    await edit.press("Enter");
    await bob.locator(".timeline").getByText("hello bob").waitFor();
    await bob.locator(".edited").first().waitFor();
    // The chat list's preview follows the edit of the last message too.
    await bob.locator(".chat-row", { hasText: "hello bob" }).waitFor();
    await shot(bob, "conversation-edited");

    // Bob answers it with a quote: the Reply button puts it above his composer.
    await bob.locator("li.msg", { hasText: "hello bob" }).hover();
    await bob.getByRole("button", { name: "Reply", exact: true }).first().click();
    await bob.getByTestId("replying").getByText("hello bob").waitFor();
    const bobBox = bob.getByRole("textbox", { name: "Message" });
    await bobBox.fill("quoted answer");
    await bobBox.press("Enter");
    assert.equal(await bob.getByTestId("replying").count(), 0, "the quote leaves the composer once sent");
    await alice.locator("li.msg", { hasText: "quoted answer" }).getByTestId("reply-quote").getByText("hello bob").waitFor();
    await shot(alice, "conversation-reply");

    // Alice deletes it; Bob sees the tombstone.
    alice.once("dialog", (dialog) => void dialog.accept());
    await alice.locator("li.msg.mine", { hasText: "hello bob" }).hover();
    await alice.getByRole("button", { name: "Delete message" }).first().click();
    await bob.getByText("Message deleted", { exact: true }).waitFor();
    await bob.locator("li.msg", { hasText: "quoted answer" }).getByTestId("reply-quote").getByText("message deleted").waitFor();
    assert.equal(await bob.getByText("hello bob").count(), 0);
    await shot(bob, "conversation-deleted");

    await closeClean(alice, bob);
  });
});

describe("threads and mentions", () => {
  it("picks a member with @-autocomplete, badges the mention, and replies in a thread live", async () => {
    const [aliceName, bobName] = [unique("alice"), unique("bob")];
    const alice = await person(aliceName);
    const bob = await person(bobName);

    const aliceBox = await openDirectChat(alice, bobName);
    await aliceBox.fill("root message");
    await aliceBox.press("Enter");
    await bob.locator(".chat-row").first().waitFor();

    // "@" and the first letters list Bob; Enter picks him.
    await aliceBox.pressSequentially(`@${bobName.slice(0, 3)}`);
    await alice.getByTestId("mention-suggestions").getByText(`@${bobName}`).waitFor();
    await shot(alice, "threads-mention-autocomplete");
    await aliceBox.press("Enter");
    assert.equal(await aliceBox.inputValue(), `@${bobName} `);
    await aliceBox.pressSequentially("please look");
    await aliceBox.press("Enter");
    await alice.getByTestId("mention").getByText(`@${bobName}`).waitFor();
    // Highlighted, and still readable on my own bubble (whose colour is the accent's).
    // The sent bubble replaces the pending one: read the colours once an attached one has them.
    let mentionColor = "", bubbleColor = "";
    await until(async () => {
      [mentionColor, bubbleColor] = await alice.locator("li.msg.mine").getByTestId("mention").first()
        .evaluate((el) => el.isConnected ? [getComputedStyle(el).color, getComputedStyle(el.closest(".bubble")).backgroundColor] : ["", ""]);
      return mentionColor !== "" && bubbleColor !== "";
    }, "my own mention's colours");
    assert.notEqual(mentionColor, bubbleColor, "a mention in my own message is visible on its bubble");

    // Bob has not opened the chat: its row shows the "@" badge.
    await bob.getByTestId("mention-badge").waitFor();
    await shot(bob, "threads-mention-badge");

    // Bob opens the chat and answers the root in its thread.
    await bob.locator(".chat-row").first().click();
    const root = bob.locator("li.msg", { hasText: "root message" });
    await root.hover();
    await root.getByRole("button", { name: "Reply in thread" }).click();
    const bobThread = bob.getByTestId("thread-panel");
    await bobThread.getByText("root message").waitFor();
    const bobReply = bob.getByRole("textbox", { name: "Reply in thread" });
    // The thread composer has @-autocomplete too.
    await bobReply.pressSequentially(`@${aliceName.slice(0, 3)}`);
    await bobThread.getByTestId("mention-suggestions").getByText(`@${aliceName}`).waitFor();
    await bobReply.press("Enter");
    assert.equal(await bobReply.inputValue(), `@${aliceName} `);
    await bobReply.pressSequentially("thread answer");
    await bobReply.press("Enter");
    await bobThread.getByText("thread answer").waitFor();
    await bobThread.getByTestId("mention").getByText(`@${aliceName}`).waitFor();

    // Alice sees the count under the root live, opens the thread, and the reply is not in her timeline.
    const link = alice.getByTestId("thread-link");
    await link.getByText("1 reply").waitFor();
    assert.equal(await alice.locator(".timeline").getByText("thread answer").count(), 0);
    await link.click();
    const aliceThread = alice.getByTestId("thread-panel");
    await aliceThread.getByText("thread answer").waitFor();
    const aliceReply = alice.getByRole("textbox", { name: "Reply in thread" });
    await aliceReply.fill("second in thread");
    await aliceReply.press("Enter");
    await bobThread.getByText("second in thread").waitFor();
    await bobThread.getByTestId("thread-count").getByText("2 replies").waitFor();
    await shot(alice, "threads-panel");

    await closeClean(alice, bob);
  });
});

describe("groups: rename and quotes", () => {
  it("renames the group from its header for both members, and a quote jumps to an original older than the loaded page", async () => {
    const [aliceName, bobName] = [unique("alice"), unique("bob")];
    const bobId = (await server.api(bobName, "GET", "/api/v1/me")).id;
    const token = await server.token(aliceName);
    const post = async (path, body) => {
      const response = await fetch(`${server.base}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    // The original, then more than a page of the client's timeline (50), then Bob's reply quoting it.
    const chat = await post("/api/v1/chats", { name: "Old name", memberIds: [bobId] });
    const original = await post(`/api/v1/chats/${chat.id}/signals`, { text: "the original plan", clientId: "o" });
    for (let i = 0; i < 55; i++) await post(`/api/v1/chats/${chat.id}/signals`, { text: `filler ${i}`, clientId: `f${i}` });
    await server.api(bobName, "POST", `/api/v1/chats/${chat.id}/signals`, { text: "agreed", clientId: "q", replyToId: original.id });

    const alice = await person(aliceName);
    const bob = await person(bobName);
    await bob.locator(".chat-row", { hasText: "Old name" }).click();
    const quote = bob.locator("li.msg", { hasText: "agreed" }).getByTestId("reply-quote");
    await quote.getByText("the original plan").waitFor();
    assert.equal(await bob.locator("li.msg", { hasText: "the original plan" }).count(), 1, "only the quote shows the original before the jump");
    await quote.click();
    await bob.locator("li.msg.highlight", { hasText: "the original plan" }).waitFor();
    await shot(bob, "conversation-quote-jump");

    // Alice renames the group from the header; both see the new name and the line in the timeline.
    await alice.locator(".chat-row", { hasText: "Old name" }).click();
    alice.once("dialog", (dialog) => void dialog.accept("New name"));
    await alice.getByRole("button", { name: "Rename the group" }).click();
    await alice.getByRole("heading", { name: "New name" }).waitFor();
    await alice.locator('li.system[data-kind="chat_renamed"]', { hasText: "renamed the group to “New name”" }).waitFor();
    // Bob's chat list row says what happened, not an empty preview.
    await bob.locator(".chat-row", { hasText: "renamed the group to “New name”" }).waitFor();
    await bob.getByRole("heading", { name: "New name" }).waitFor();
    await shot(bob, "conversation-renamed");

    await closeClean(alice, bob);
  });
});
