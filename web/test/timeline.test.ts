import { describe, expect, it } from "vitest";
import {
  chatsRead, chatsWithSignal, fromPage, seenBy, sortChats, withFailed, withMyReaction, withOlder, withPending, withReaction,
  withReadPointer, withSignal, type Item,
} from "../src/timeline";
import type { Chat, Signal } from "../src/types";

// UUIDv7-shaped ids whose text order is their creation order.
const id = (n: number) => `0190a000-0000-7000-8000-${n.toString().padStart(12, "0")}`;
const chatId = id(999);

function signal(n: number, extra: Partial<Signal> = {}): Signal {
  return {
    id: id(n), chatId, kind: "message", senderId: "bob", text: `m${n}`, clientId: `c${n}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), memberId: null, callUrl: null, reactions: [], attachments: [],
    ...extra,
  };
}

const page = (items: Signal[], nextCursor: string | null = null, newerCursor: string | null = null) =>
  ({ items: items.slice().reverse(), nextCursor, newerCursor });

const ids = (items: Item[]) => items.map((i) => i.id);

describe("timeline", () => {
  it("keeps signals oldest first from a newest-first page", () => {
    const t = fromPage(chatId, page([signal(1), signal(2), signal(3)], id(1)));
    expect(ids(t.items)).toEqual([id(1), id(2), id(3)]);
    expect(t.olderCursor).toBe(id(1));
  });

  it("puts older pages in front and takes their cursor", () => {
    const t = withOlder(fromPage(chatId, page([signal(3), signal(4)], id(3))), page([signal(1), signal(2)], null));
    expect(ids(t.items)).toEqual([id(1), id(2), id(3), id(4)]);
    expect(t.olderCursor).toBeNull();
  });

  it("replaces a local echo with the signal that has its sender and clientId", () => {
    let t = fromPage(chatId, page([signal(1)]));
    t = withPending(t, { ...signal(0, { senderId: "me", clientId: "x" }), id: "pending-x" });
    expect(t.items.at(-1)?.pending).toBe(true);
    t = withSignal(t, signal(2, { senderId: "me", clientId: "x" }));
    expect(ids(t.items)).toEqual([id(1), id(2)]);
    expect(t.items.some((i) => i.pending)).toBe(false);
  });

  it("does not take another sender's signal with the same clientId for my echo", () => {
    let t = withPending(fromPage(chatId, page([])), { ...signal(0, { senderId: "me", clientId: "x" }), id: "pending-x" });
    t = withSignal(t, signal(2, { senderId: "bob", clientId: "x" }));
    expect(t.items.map((i) => i.pending ?? false)).toEqual([false, true]);
  });

  it("shows a signal seen twice (send answer, then stream) once", () => {
    let t = fromPage(chatId, page([signal(1)]));
    t = withSignal(t, signal(2));
    t = withSignal(t, signal(2));
    expect(ids(t.items)).toEqual([id(1), id(2)]);
  });

  it("keeps echoes after every confirmed signal", () => {
    let t = withPending(fromPage(chatId, page([signal(1)])), { ...signal(0, { senderId: "me", clientId: "x" }), id: "pending-x" });
    t = withSignal(t, signal(5));
    expect(ids(t.items)).toEqual([id(1), id(5), "pending-x"]);
  });

  it("ignores live signals when the loaded stretch does not reach the live end", () => {
    const t = fromPage(chatId, page([signal(1), signal(2)], null, id(2)));
    expect(withSignal(t, signal(9))).toBe(t);
  });

  it("marks a failed echo", () => {
    let t = withPending(fromPage(chatId, page([])), { ...signal(0, { senderId: "me", clientId: "x" }), id: "pending-x" });
    t = withFailed(t, "x", "boom");
    expect(t.items[0].failed).toBe("boom");
  });
});

describe("reactions", () => {
  it("takes the count from the event and changes mine only for my own", () => {
    let t = fromPage(chatId, page([signal(1)]));
    t = withReaction(t, { chatId, signalId: id(1), userId: "bob", emoji: "👍", added: true, count: 1 }, "me");
    expect(t.items[0].reactions).toEqual([{ emoji: "👍", count: 1, mine: false }]);
    t = withReaction(t, { chatId, signalId: id(1), userId: "me", emoji: "👍", added: true, count: 2 }, "me");
    expect(t.items[0].reactions).toEqual([{ emoji: "👍", count: 2, mine: true }]);
    t = withReaction(t, { chatId, signalId: id(1), userId: "bob", emoji: "👍", added: false, count: 1 }, "me");
    expect(t.items[0].reactions).toEqual([{ emoji: "👍", count: 1, mine: true }]);
    t = withReaction(t, { chatId, signalId: id(1), userId: "me", emoji: "👍", added: false, count: 0 }, "me");
    expect(t.items[0].reactions).toEqual([]);
  });

  it("counts my own reaction before the server confirms it, once", () => {
    let t = fromPage(chatId, page([signal(1)]));
    t = withMyReaction(t, id(1), "🎉", true);
    t = withMyReaction(t, id(1), "🎉", true);
    expect(t.items[0].reactions).toEqual([{ emoji: "🎉", count: 1, mine: true }]);
    // The stream's event for the same reaction then says the same.
    t = withReaction(t, { chatId, signalId: id(1), userId: "me", emoji: "🎉", added: true, count: 1 }, "me");
    expect(t.items[0].reactions).toEqual([{ emoji: "🎉", count: 1, mine: true }]);
    t = withMyReaction(t, id(1), "🎉", false);
    expect(t.items[0].reactions).toEqual([]);
  });
});

describe("chat list", () => {
  const chat = (n: number, at: string, unread = 0): Chat => ({
    id: id(100 + n), kind: "group", name: `g${n}`, members: [], lastActivityAt: at, unreadCount: unread, lastSignal: null,
    createdBy: "me", createdAt: at,
  });

  it("orders by last activity, newest first, whatever the fraction digits", () => {
    const sorted = sortChats([chat(1, "2026-01-01T10:00:00+00:00"), chat(2, "2026-01-01T10:00:00.5+00:00"), chat(3, "2026-01-01T09:00:00Z")]);
    expect(sorted.map((c) => c.name)).toEqual(["g2", "g1", "g3"]);
  });

  it("moves a chat to the top with its new last message and counts others' messages unread", () => {
    const chats = [chat(1, "2026-01-01T10:00:00Z"), chat(2, "2026-01-01T09:00:00Z")];
    const s = signal(50, { chatId: id(102), createdAt: "2026-01-01T11:00:00Z" });
    const after = chatsWithSignal(chats, s, "me", false)!;
    expect(after.map((c) => c.name)).toEqual(["g2", "g1"]);
    expect(after[0].unreadCount).toBe(1);
    expect(after[0].lastSignal?.id).toBe(s.id);
    // The same signal again (replayed) changes nothing.
    expect(chatsWithSignal(after, s, "me", false)![0].unreadCount).toBe(1);
  });

  it("does not count my own messages or the chat I am looking at", () => {
    const chats = [chat(1, "2026-01-01T10:00:00Z")];
    expect(chatsWithSignal(chats, signal(50, { chatId: id(101), senderId: "me" }), "me", false)![0].unreadCount).toBe(0);
    expect(chatsWithSignal(chats, signal(51, { chatId: id(101) }), "me", true)![0].unreadCount).toBe(0);
  });

  it("answers null for a chat it does not have, so the caller fetches it", () => {
    expect(chatsWithSignal([], signal(1), "me", false)).toBeNull();
  });

  it("clears the unread count of a chat read", () => {
    expect(chatsRead([chat(1, "2026-01-01T10:00:00Z", 4)], id(101))[0].unreadCount).toBe(0);
  });
});

describe("seen by", () => {
  it("lists members whose read pointer reached the signal, never its sender, pointers only forward", () => {
    let p = withReadPointer({}, "bob", id(5));
    p = withReadPointer(p, "carol", id(3));
    p = withReadPointer(p, "bob", id(2));
    expect(p.bob).toBe(id(5));
    const mine = signal(4, { senderId: "me" });
    expect(seenBy(p, mine)).toEqual(["bob"]);
    expect(seenBy(withReadPointer(p, "me", id(9)), mine)).toEqual(["bob"]);
  });
});
