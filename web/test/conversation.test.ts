import { describe, expect, it } from "vitest";
import { chatsRead, chatsWithSignal, fromPage, typingNow, withDeleted, withEdited } from "../src/timeline";
import { insertMention, matchMembers, mentionParts, mentionQuery } from "../src/mentions";
import { replyLabel, withChanged, withGone, withReply, type OpenThread } from "../src/threads";
import type { Chat, Signal, User } from "../src/types";

const id = (n: number) => `0190a000-0000-7000-8000-${n.toString().padStart(12, "0")}`;
const chatId = id(999);

function signal(n: number, extra: Partial<Signal> = {}): Signal {
  return {
    id: id(n), chatId, kind: "message", senderId: "bob", text: `m${n}`, clientId: `c${n}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), memberId: null, callUrl: null, reactions: [], attachments: [],
    ...extra,
  };
}

const timeline = (...items: Signal[]) => fromPage(chatId, { items: items.slice().reverse(), nextCursor: null, newerCursor: null });
const file = { id: "f", name: "a.png", size: 1, contentType: "image/png", width: 1, height: 1, contentUrl: "/c", previewUrl: null, thumbnailUrl: null, loadUrl: null };

describe("conversation changes", () => {
  it("an edit replaces the text, keeps the described attachments and updates the quotes of replies", () => {
    const original = signal(1, { attachments: [file], attachmentIds: ["f"] });
    const reply = signal(2, { replyToId: id(1), replyTo: { id: id(1), senderId: "bob", text: "m1", deleted: false } });

    const t = withEdited(timeline(original, reply), { ...original, text: "fixed", editedAt: "2026-01-01T00:05:00Z", attachments: [] });

    expect(t.items[0].text).toBe("fixed");
    expect(t.items[0].editedAt).toBe("2026-01-01T00:05:00Z");
    expect(t.items[0].attachments).toEqual([file]);
    expect(t.items[1].replyTo?.text).toBe("fixed");
  });

  it("a delete leaves a tombstone and marks the quotes of replies as deleted", () => {
    const original = signal(1, { reactions: [{ emoji: "👍", count: 1, mine: false }], attachments: [file] });
    const reply = signal(2, { replyTo: { id: id(1), senderId: "bob", text: "m1", deleted: false } });

    const t = withDeleted(timeline(original, reply), id(1), "2026-01-01T00:06:00Z");

    expect(t.items[0]).toMatchObject({ deletedAt: "2026-01-01T00:06:00Z", text: null, reactions: [], attachments: [] });
    expect(t.items[1].replyTo).toMatchObject({ deleted: true, text: null });
  });

  it("typing shows others until their time runs out", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const typing = { alice: "2026-01-01T00:00:05Z", bob: "2025-12-31T23:59:59Z", me: "2026-01-01T00:00:05Z" };

    expect(typingNow(typing, now, "me")).toEqual(["alice"]);
    expect(typingNow(undefined, now, "me")).toEqual([]);
  });
});

const open = (): OpenThread => ({ chatId, root: signal(1), replies: [], loading: false });

describe("threads", () => {
  it("adds a reply of this thread once, in id order, and ignores other threads", () => {
    let thread = withReply(open(), signal(3, { threadId: id(1) }));
    thread = withReply(thread, signal(2, { threadId: id(1) }));
    thread = withReply(thread, signal(3, { threadId: id(1) }));
    thread = withReply(thread, signal(4, { threadId: id(7) }));
    expect(thread.replies.map((r) => r.id)).toEqual([id(2), id(3)]);
  });

  it("takes the root's new count from signal_edited and shows deleted replies as tombstones", () => {
    let thread = withReply(open(), signal(2, { threadId: id(1) }));
    thread = withChanged(thread, signal(1, { thread: { replyCount: 1, lastReplyAt: "2026-01-01T00:02:00Z", participantIds: ["bob"] } }));
    thread = withGone(thread, id(2), "2026-01-01T00:03:00Z");
    expect(thread.root.thread?.replyCount).toBe(1);
    expect(thread.replies[0]).toMatchObject({ text: null, deletedAt: "2026-01-01T00:03:00Z" });
    expect([replyLabel(1), replyLabel(3)]).toEqual(["1 reply", "3 replies"]);
  });
});

describe("mentions", () => {
  const users: User[] = [
    { id: "a", username: "alice", displayName: "Alice" },
    { id: "b", username: "bob", displayName: "Bob" },
    { id: "b2", username: "bobby", displayName: "Robert" },
  ] as User[];

  it("finds the @word before the caret, not inside an email address", () => {
    expect(mentionQuery("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("mail me@bo", 10)).toBeNull();
    expect(mentionQuery("hi @bob there", 13)).toBeNull();
  });

  it("lists matching members but me, and inserts @username with a space", () => {
    expect(matchMembers(users, "bo", "a").map((u) => u.username)).toEqual(["bob", "bobby"]);
    expect(matchMembers(users, "", "a").map((u) => u.username)).toEqual(["bob", "bobby"]);
    expect(matchMembers(users, "rob", "a").map((u) => u.username)).toEqual(["bobby"]);
    expect(insertMention("hi @bo!", 3, 6, "bobby")).toEqual({ text: "hi @bobby !", caret: 10 });
  });

  it("highlights @names of members and @all only", () => {
    expect(mentionParts("thanks @bob. and @nobody, @all", ["bob"])).toEqual([
      { text: "thanks ", mention: false },
      { text: "@bob", mention: true },
      { text: ". and @nobody, ", mention: false },
      { text: "@all", mention: true },
    ]);
  });
});

describe("the mention badge", () => {
  it("counts live mentions of me in a chat I am not looking at, and clears when read", () => {
    const chat = { id: chatId, kind: "direct", name: null, members: [], lastActivityAt: "2026-01-01T00:00:00Z", unreadCount: 0, lastSignal: null, unreadMentions: 0 } as unknown as Chat;
    const mentioned = chatsWithSignal([chat], signal(5, { mentions: ["me"] }), "me", false)!;
    const looking = chatsWithSignal([chat], signal(5, { mentions: ["me"] }), "me", true)!;
    const other = chatsWithSignal([chat], signal(5, { mentions: ["carol"] }), "me", false)!;
    expect([mentioned[0].unreadMentions, looking[0].unreadMentions, other[0].unreadMentions]).toEqual([1, 0, 0]);
    expect(chatsRead(mentioned, chatId)[0].unreadMentions).toBe(0);
  });
});
