// Search in an end-to-end encrypted chat (docs/e2ee.md): the server cannot read it, so the
// browser looks through the messages it has opened itself, with the same snippets the server's
// search gives (matched words between markStart and markEnd).
import { markEnd, markStart } from "../search";
import type { SearchHit, Signal } from "../types";

/** Characters of context kept on each side of the first match. */
const context = 40;

/**
 * The opened messages whose text contains every word of `q` (case-insensitive), newest first,
 * at most `limit`. Sealed messages this browser could not open, pending and deleted ones are left out.
 */
export function searchOpened(items: (Signal & { pending?: boolean })[], q: string, limit = 50): SearchHit[] {
  const words = q.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits: SearchHit[] = [];
  for (let i = items.length - 1; i >= 0 && hits.length < limit; i--) {
    const s = items[i];
    if (s.kind !== "message" || !s.text || s.deletedAt || s.undecryptable || s.pending) continue;
    const lower = s.text.toLocaleLowerCase();
    if (!words.every((w) => lower.includes(w))) continue;
    hits.push({ signalId: s.id, chatId: s.chatId, senderId: s.senderId, createdAt: s.createdAt, snippet: snippet(s.text, lower, words) });
  }
  return hits;
}

/** The text around the first matched word, each match marked. */
function snippet(text: string, lower: string, words: string[]): string {
  const first = Math.min(...words.map((w) => lower.indexOf(w)));
  const start = Math.max(0, first - context);
  const end = Math.min(text.length, first + context * 2);
  const piece = text.slice(start, end);
  const pieceLower = lower.slice(start, end);
  let out = "";
  for (let at = 0; at < piece.length; ) {
    const word = words.filter((w) => pieceLower.startsWith(w, at)).sort((a, b) => b.length - a.length)[0];
    if (word) {
      out += markStart + piece.slice(at, at + word.length) + markEnd;
      at += word.length;
    } else {
      out += piece[at++];
    }
  }
  return (start > 0 ? "…" : "") + out + (end < text.length ? "…" : "");
}
