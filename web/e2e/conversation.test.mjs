// Issue 12 in the browser: two people in one direct chat; typing, edit (up-arrow), delete and a
// tombstone, seen from the other side live. Locators wait for each condition; nothing sleeps.
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

async function person(name) {
  const page = await userPage(browser);
  await signIn(page, server.base, name);
  return page;
}

describe("conversation", () => {
  it("shows typing, edits with the up arrow and deletes to a tombstone, live for the other member", async () => {
    const [aliceName, bobName] = [unique("alice"), unique("bob")];
    const alice = await person(aliceName);
    const bob = await person(bobName);

    await alice.getByRole("button", { name: "New chat" }).first().click();
    await alice.getByRole("searchbox", { name: "Find a user by username" }).fill(bobName);
    await alice.getByRole("button", { name: new RegExp(`@${bobName}`) }).click();
    const aliceBox = alice.getByRole("textbox", { name: "Message" });
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
    await bob.getByText("hello bob").waitFor();
    await bob.locator(".edited").first().waitFor();
    await shot(bob, "conversation-edited");

    // Alice deletes it; Bob sees the tombstone.
    alice.once("dialog", (dialog) => void dialog.accept());
    await alice.locator("li.msg", { hasText: "hello bob" }).hover();
    await alice.getByRole("button", { name: "Delete message" }).first().click();
    await bob.getByText("Message deleted").waitFor();
    assert.equal(await bob.getByText("hello bob").count(), 0);
    await shot(bob, "conversation-deleted");

    for (const page of [alice, bob]) await page.context().close();
  });
});
