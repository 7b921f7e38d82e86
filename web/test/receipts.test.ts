import { describe, expect, it } from "vitest";
import { withReceiptEvent } from "../src/receipts";
import type { ReceiptEvent } from "../src/types";

const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const at = "2026-01-01T00:00:00Z";

describe("receipt events", () => {
  it("applies every member's read pointer of a coalesced batch, ignoring delivered ones", () => {
    const event: ReceiptEvent = {
      chatId: "c", userId: "carol", state: "read", signalId: id(4), at,
      receipts: [
        { userId: "bob", state: "delivered", signalId: id(9), at },
        { userId: "bob", state: "read", signalId: id(5), at },
        { userId: "carol", state: "read", signalId: id(4), at },
      ],
    };
    expect(withReceiptEvent({ bob: id(2) }, event)).toEqual({ bob: id(5), carol: id(4) });
  });

  it("never moves a pointer back, and returns the same object when nothing moved", () => {
    const pointers = { bob: id(7) };
    const event: ReceiptEvent = { chatId: "c", userId: "bob", state: "read", signalId: id(3), at, receipts: [{ userId: "bob", state: "read", signalId: id(3), at }] };
    expect(withReceiptEvent(pointers, event)).toBe(pointers);
  });

  it("reads a single move from an event without receipts (an older server)", () => {
    expect(withReceiptEvent({}, { chatId: "c", userId: "bob", state: "read", signalId: id(1), at })).toEqual({ bob: id(1) });
  });
});
