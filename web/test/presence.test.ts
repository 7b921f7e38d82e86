import { describe, expect, it } from "vitest";
import { describePresence, expiryFor, HeardPresence, statusLine, withPresence } from "../src/presence";
import type { Presence, User } from "../src/types";

const alice: User = { id: "a", username: "alice", displayName: "Alice" };
const busy: Presence = {
  userId: "a",
  state: "busy",
  lastSeenAt: "2026-11-30T09:00:00Z",
  status: { emoji: "📅", text: "In a meeting", expiresAt: null, availability: "auto" },
  source: "microsoft365",
};

describe("presence", () => {
  it("puts a presence event on its known user and leaves unknown users alone", () => {
    const users = { a: alice };
    expect(withPresence(users, busy).a.presence).toEqual(busy);
    expect(withPresence(users, { ...busy, userId: "stranger" })).toBe(users);
    expect(users.a.presence).toBeUndefined();
  });

  it("keeps a presence heard while a load was in flight over the older one the load read", () => {
    const heard = new HeardPresence();
    const loadedEarly = heard.mark();
    heard.heard(busy);
    const loadedLate = heard.mark();
    const stale: User = { ...alice, presence: { ...busy, state: "online", status: null, source: "petitchat" } };
    // The load began before the event: the event wins.
    expect(heard.over(stale, loadedEarly).presence).toEqual(busy);
    // The load began after it: what the server read is newer.
    expect(heard.over(stale, loadedLate)).toBe(stale);
    // A user never heard of is as loaded.
    const bob: User = { id: "b", username: "bob", displayName: "Bob" };
    expect(heard.over(bob, loadedEarly)).toBe(bob);
  });

  it("forgets what it heard at its limit rather than growing", () => {
    const heard = new HeardPresence(2);
    const since = heard.mark();
    heard.heard(busy);
    heard.heard({ ...busy, userId: "b" });
    heard.heard({ ...busy, userId: "c" });
    expect(heard.over(alice, since)).toBe(alice);
    expect(heard.over({ id: "c", username: "c", displayName: "C" }, since).presence?.userId).toBe("c");
  });

  it("expires a status after the chosen time, at the end of the local day for today, or never", () => {
    const now = new Date(2026, 10, 30, 9, 15, 0);
    expect(expiryFor("never", now)).toBeNull();
    expect(new Date(expiryFor("30m", now)!).getTime() - now.getTime()).toBe(30 * 60_000);
    expect(new Date(expiryFor("4h", now)!).getTime() - now.getTime()).toBe(4 * 3_600_000);
    const today = new Date(expiryFor("today", now)!);
    expect([today.getFullYear(), today.getMonth(), today.getDate(), today.getHours(), today.getMinutes()]).toEqual([2026, 10, 30, 23, 59]);
  });

  it("describes the state with its source, last seen when offline, and the status as one line", () => {
    expect(describePresence(busy)).toBe("Busy (Microsoft 365)");
    expect(describePresence({ ...busy, state: "offline", source: "petitchat" }, () => "09:00")).toBe("Offline · last seen 09:00");
    expect(describePresence(undefined)).toBe("Offline");
    expect(statusLine(busy)).toBe("📅 In a meeting");
    expect(statusLine({ ...busy, status: { ...busy.status!, emoji: null } })).toBe("In a meeting");
    expect(statusLine({ ...busy, status: null })).toBe("");
  });
});
