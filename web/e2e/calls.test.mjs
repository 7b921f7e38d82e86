// Calls as users meet them, in two browsers against the real server with Jitsi tokens on.
// Nothing reaches a Jitsi server: both pages get JitsiFrameStub (harness.mjs) as the domain's
// external_api.js, which records the room and the token the app opened the conference with.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser, Server, shot, signIn, stubJitsi, userPage } from "./harness.mjs";

const domain = "meet.petitchat.test";
const appSecret = "an-e2e-jitsi-app-secret-of-32-bytes-or-more";
let server;
let browser;
let run = 0;
const unique = (name) => `${name}${Date.now().toString(36)}${run++}`;

before(async () => {
  server = new Server({
    Calls__Jitsi__Domain: domain,
    Calls__Jitsi__AppId: "petitchat-e2e",
    Calls__Jitsi__AppSecret: appSecret,
    Calls__RingTimeout: "00:00:15",
    Calls__SweepInterval: "00:00:00.250",
  });
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

async function person(name) {
  const page = await userPage(browser);
  await stubJitsi(page, domain);
  await signIn(page, server.base, name);
  return page;
}

/** A group of alice and bob made through the API; both open it. */
async function group(alice, bob, a, b, name) {
  const bobId = (await server.api(bob, "GET", "/api/v1/me")).id;
  await server.api(alice, "POST", "/api/v1/chats", { name, memberIds: [bobId] });
  await a.locator(".chat-row", { hasText: name }).click();
  await b.locator(".chat-row", { hasText: name }).click();
  await a.getByRole("heading", { name }).waitFor();
}

/** What the page handed Jitsi, with the token's payload decoded. */
async function opened(page) {
  await page.getByTestId("conference").waitFor();
  const handle = await page.waitForFunction(() => window.jitsiFrameStub);
  const stub = await handle.jsonValue();
  assert.ok(stub.jwt, "the conference opens with a token");
  const payload = JSON.parse(Buffer.from(stub.jwt.split(".")[1], "base64url").toString());
  return { ...stub, payload };
}

async function closeAll(...pages) {
  for (const page of pages) {
    assert.deepEqual(page.consoleErrors, [], "no console errors");
    await page.context().close();
  }
}

describe("calls", () => {
  it("alice calls the group, bob's banner rings, both are in the same room, the last leave ends it with a duration", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [a, b] = [await person(alice), await person(bob)];
    await group(alice, bob, a, b, "Call crew");

    await a.getByRole("button", { name: "Start a video call" }).click();
    const hers = await opened(a);
    assert.equal(hers.domain, domain);
    assert.equal(hers.payload.room, hers.roomName, "her token is for this room only");
    assert.equal(hers.payload.moderator, true);

    const banner = b.getByTestId("incoming-call");
    await banner.getByText(`${alice}`).waitFor();
    await shot(b, "desktop-incoming-call");
    await banner.getByRole("button", { name: "Join" }).click();
    const his = await opened(b);
    assert.equal(his.roomName, hers.roomName, "bob joins the same conference");
    assert.equal(his.payload.room, hers.roomName);
    assert.equal(his.payload.moderator, false);
    await banner.waitFor({ state: "detached" });

    const card = a.locator('li.call[data-kind="call_started"][data-call-state="running"]');
    await card.getByText(`In the call: you, ${bob}`).waitFor();
    await shot(a, "desktop-in-call");

    await b.getByTestId("conference").getByRole("button", { name: "Leave" }).click();
    await a.getByTestId("conference").getByRole("button", { name: "Leave" }).click();
    for (const page of [a, b]) {
      await page.locator('li.call[data-kind="call_ended"][data-call-state="ended"]', { hasText: /Call ended · \d+:\d\d/ }).waitFor();
      await page.getByTestId("conference").waitFor({ state: "detached" });
    }
    await shot(b, "desktop-call-ended");
    await closeAll(a, b);
  });

  it("bob declines, alice is told, and the call nobody answered ends by itself as missed", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const [a, b] = [await person(alice), await person(bob)];
    await group(alice, bob, a, b, "Missed crew");

    await a.getByRole("button", { name: "Start an audio call" }).click();
    await opened(a);
    await b.getByTestId("incoming-call").getByRole("button", { name: "Decline" }).click();
    await b.getByTestId("incoming-call").waitFor({ state: "detached" });
    await a.getByRole("alert").getByText(`${bob} declined the call.`).waitFor();

    for (const page of [a, b]) {
      await page.locator('li.call[data-kind="call_ended"][data-call-state="missed"]', { hasText: "Missed audio call" }).waitFor({ timeout: 60_000 });
    }
    await a.getByTestId("conference").waitFor({ state: "detached" });
    await b.locator(".chat-row", { hasText: "Missed crew" }).getByText("Missed call").waitFor();
    await shot(b, "desktop-missed-call");
    await closeAll(a, b);
  });
});
