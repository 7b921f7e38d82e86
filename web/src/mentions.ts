import type { User } from "./types";

/** The `@word` being typed right before the caret: where it starts and what follows the `@`. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|[^\w@.-])@([\w.-]*)$/.exec(before);
  if (!match) return null;
  return { start: before.length - match[2].length - 1, query: match[2] };
}

/** Members (not me) whose username or display name starts with the query, at most `limit`. */
export function matchMembers(members: User[], query: string, meId: string, limit = 6): User[] {
  const q = query.toLowerCase();
  return members
    .filter((m) => m.id !== meId && (m.username.toLowerCase().startsWith(q) || m.displayName.toLowerCase().startsWith(q)))
    .slice(0, limit);
}

/** The text with `@username ` in place of the typed `@query`, and where the caret goes. */
export function insertMention(text: string, start: number, caret: number, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

/** The text cut into plain parts and `@name` parts that name one of the usernames (case-insensitive). */
export function mentionParts(text: string, usernames: string[]): { text: string; mention: boolean }[] {
  const names = new Set(usernames.map((u) => u.toLowerCase()));
  names.add("all");
  const parts: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const match of text.matchAll(/(^|[^\w@.-])@([\w.-]+)/g)) {
    const name = match[2].replace(/[.-]+$/, "");
    if (!names.has(name.toLowerCase())) continue;
    const at = (match.index ?? 0) + match[1].length;
    if (at > last) parts.push({ text: text.slice(last, at), mention: false });
    parts.push({ text: `@${name}`, mention: true });
    last = at + 1 + name.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), mention: false });
  return parts;
}
