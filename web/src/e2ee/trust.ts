// Trust on first use (docs/e2ee.md): what this browser saw of each user's device keys, how a
// change shows in the timeline, and safety numbers as people read them aloud. Pure, so that
// Vitest covers it without a browser.
import type { PublicJwk } from "./crypto";

/** A warning in an encrypted chat's timeline: a member's device keys changed since this browser last saw them. */
export interface KeyWarning {
  id: string;
  chatId: string;
  userId: string;
  at: string;
  added: number;
  removed: number;
}

/** One entry per device: its id and identity key, sorted, so that two lists compare as text. */
export function fingerprints(devices: { deviceId: string; identityKey: PublicJwk }[]): string[] {
  return devices.map((d) => `${d.deviceId}:${d.identityKey.x}.${d.identityKey.y}`).sort();
}

/** null on first sight or when nothing changed; else how many device keys came and went. */
export function keyChange(seen: string[] | undefined, now: string[]): { added: number; removed: number } | null {
  if (!seen) return null;
  const before = new Set(seen);
  const after = new Set(now);
  const added = now.filter((f) => !before.has(f)).length;
  const removed = seen.filter((f) => !after.has(f)).length;
  return added === 0 && removed === 0 ? null : { added, removed };
}

/** "12345 67890 …" (12 groups of 5 digits) as three lines of four groups, for reading aloud. */
export function safetyLines(number: string): string[] {
  const groups = number.split(" ").filter(Boolean);
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(" "));
  return lines;
}

export function describeChange(name: string, change: { added: number; removed: number }): string {
  const parts: string[] = [];
  if (change.added > 0) parts.push(change.added === 1 ? "a new device" : `${change.added} new devices`);
  if (change.removed > 0) parts.push(change.removed === 1 ? "a device removed" : `${change.removed} devices removed`);
  return `${name === "You" ? "Your" : `${name}'s`} security keys changed (${parts.join(", ")}). Compare safety numbers to be sure it is them.`;
}

/**
 * The timeline with the warnings placed at their time: each warning before the first item
 * created after it, the rest at the end.
 */
export function interleave<T extends { createdAt: string }>(items: T[], warnings: KeyWarning[]): ({ item: T; index: number } | { warning: KeyWarning })[] {
  const out: ({ item: T; index: number } | { warning: KeyWarning })[] = [];
  const rest = [...warnings].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  items.forEach((item, index) => {
    while (rest.length > 0 && Date.parse(rest[0].at) < Date.parse(item.createdAt)) out.push({ warning: rest.shift()! });
    out.push({ item, index });
  });
  for (const warning of rest) out.push({ warning });
  return out;
}
