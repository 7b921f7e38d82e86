import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { clockTime } from "../format";
import type { Item } from "../timeline";
import type { SignalReceipts, WhoReacted } from "../types";
import { Dialog } from "./Dialog";

/** Reactions grouped by emoji, in the order each was first used. */
function byEmoji(reactions: WhoReacted | null): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const r of reactions?.items ?? []) groups.set(r.emoji, [...(groups.get(r.emoji) ?? []), r.userId]);
  return [...groups];
}

/** Who reacted with what, who received and who read one message. */
export function Details({ client, item, onClose }: { client: ChatClient; item: Item; onClose: () => void }) {
  const [reactions, setReactions] = useState<WhoReacted | null>(null);
  const [receipts, setReceipts] = useState<SignalReceipts | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([client.whoReacted(item.id), client.receipts(item.id)]).then(
      ([r, s]) => (setReactions(r), setReceipts(s)),
      (e: Error) => setError(e.message),
    );
  }, [item.id, item.reactions]);

  const readIds = new Set(receipts?.readBy.map((r) => r.userId));
  return (
    <Dialog title="Message details" onClose={onClose}>
      <blockquote class="quoted">{item.text}</blockquote>
      {error && <p class="error">{error}</p>}
      <h3>Reactions</h3>
      {reactions && reactions.items.length === 0 && <p class="muted small">No reactions yet.</p>}
      <ul class="detail-list" data-testid="who-reacted">
        {byEmoji(reactions).map(([emoji, userIds]) => (
          <li key={emoji}>
            <span class="detail-emoji">{emoji}</span>
            <span>{userIds.map((id) => client.userName(id)).join(", ")}</span>
          </li>
        ))}
      </ul>
      <h3>Seen by</h3>
      {receipts && receipts.readBy.length === 0 && <p class="muted small">Nobody yet.</p>}
      <ul class="detail-list" data-testid="read-by">
        {receipts?.readBy.map((r) => <li key={r.userId}>{client.userName(r.userId)} <span class="muted small">{clockTime(r.at)}</span></li>)}
      </ul>
      <h3>Delivered to</h3>
      <ul class="detail-list">
        {receipts?.deliveredTo.filter((r) => !readIds.has(r.userId)).map((r) => (
          <li key={r.userId}>{client.userName(r.userId)} <span class="muted small">{clockTime(r.at)}</span></li>
        ))}
      </ul>
      {receipts && receipts.deliveredTo.every((r) => readIds.has(r.userId)) && <p class="muted small">Everyone who received it has read it.</p>}
    </Dialog>
  );
}
