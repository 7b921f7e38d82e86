import { describe, expect, it } from "vitest";
import { searchOpened } from "../src/e2ee/localSearch";
import { markEnd, markStart } from "../src/search";
import type { Signal } from "../src/types";

// Search in an encrypted chat runs in the browser over what it opened (docs/e2ee.md).
const message = (id: string, text: string | null, extra: Partial<Signal> = {}): Signal => ({
  id, chatId: "chat-1", kind: "message", senderId: "alice", text, clientId: null, createdAt: `2026-01-01T10:00:0${id}Z`, memberId: null,
  callUrl: null, reactions: [], encrypted: { v: 1, senderDeviceId: "d", chainId: "c", index: Number(id), iv: "i", ciphertext: "x", signature: "s" },
  ...extra,
});

describe("search over opened messages", () => {
  it("finds opened messages holding every word, newest first, with the words marked", () => {
    const items = [
      message("1", "The cake is in the fridge"),
      message("2", "Bring CANDLES for the cake"),
      message("3", "nothing here"),
    ];

    const hits = searchOpened(items, "cake");

    expect(hits.map((h) => h.signalId)).toEqual(["2", "1"]);
    expect(hits[0].snippet).toBe(`Bring CANDLES for the ${markStart}cake${markEnd}`);
    expect(searchOpened(items, "candles cake").map((h) => h.signalId)).toEqual(["2"]);
    expect(searchOpened(items, "   ")).toEqual([]);
  });

  it("leaves out what this browser could not open, deleted and pending messages", () => {
    const items = [
      message("1", null, { undecryptable: true }),
      message("2", "secret cake", { deletedAt: "2026-01-01T11:00:00Z" }),
      { ...message("3", "pending cake"), pending: true },
      message("4", "opened cake"),
    ];

    expect(searchOpened(items, "cake").map((h) => h.signalId)).toEqual(["4"]);
  });

  it("cuts long texts around the first match", () => {
    const long = `${"a".repeat(100)} needle ${"b".repeat(100)}`;
    const [hit] = searchOpened([message("1", long)], "needle");
    expect(hit.snippet.startsWith("…")).toBe(true);
    expect(hit.snippet.endsWith("…")).toBe(true);
    expect(hit.snippet).toContain(`${markStart}needle${markEnd}`);
    expect(hit.snippet.length).toBeLessThan(long.length);
  });
});
