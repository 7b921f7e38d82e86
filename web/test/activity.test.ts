import { describe, expect, it } from "vitest";
import { ActivityPinger, watchActivity } from "../src/activity";

/** A page that can be shown or hidden and dispatches input events (the test runs in Node, without a DOM). */
function fakePage(visible = true) {
  const page = Object.assign(new EventTarget(), { visibilityState: visible ? "visible" : "hidden" });
  return page as unknown as Document & { visibilityState: string };
}

describe("activity", () => {
  it("pings on the first input, then at most once per interval", () => {
    let sent = 0;
    const pinger = new ActivityPinger(async () => void sent++, 60_000);
    expect(pinger.notice(0)).toBe(true);
    expect(pinger.notice(59_999)).toBe(false);
    expect(pinger.notice(60_000)).toBe(true);
    expect(sent).toBe(2);
  });

  it("tries again on the next input after a failed ping", async () => {
    let calls = 0;
    const pinger = new ActivityPinger(() => (++calls === 1 ? Promise.reject(new Error("offline")) : Promise.resolve()), 60_000);
    pinger.notice(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(pinger.notice(1_000)).toBe(true);
    expect(calls).toBe(2);
  });

  it("counts the user's input only while the page is visible, and stops when told", () => {
    let sent = 0;
    let now = 0;
    const page = fakePage(false);
    const stop = watchActivity(page, new ActivityPinger(async () => void sent++, 10), () => now);

    page.dispatchEvent(new Event("keydown"));
    expect(sent).toBe(0);

    page.visibilityState = "visible";
    page.dispatchEvent(new Event("pointerdown"));
    expect(sent).toBe(1);

    stop();
    now = 100;
    page.dispatchEvent(new Event("keydown"));
    expect(sent).toBe(1);
  });
});
