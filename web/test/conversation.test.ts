import { describe, expect, it } from "vitest";
import { fromPage, typingNow, withDeleted, withEdited } from "../src/timeline";
import type { Signal } from "../src/types";

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
