import { withReadPointer, type ReadPointers } from "./timeline";
import type { ReceiptEvent } from "./types";

/**
 * The read pointers after a `receipt` event. The server coalesces a chat's pointer moves into
 * one event per second, listing the latest of each member in `receipts`; an event without the
 * list (an older server) is one move, in its own fields.
 */
export function withReceiptEvent(pointers: ReadPointers, event: ReceiptEvent): ReadPointers {
  const moves = event.receipts ?? [event];
  for (const move of moves) {
    if (move.state === "read") pointers = withReadPointer(pointers, move.userId, move.signalId);
  }
  return pointers;
}
