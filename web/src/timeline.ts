import type { Chat, ReactionEvent, Signal, TimelinePage } from "./types";

/** A signal as the conversation shows it: confirmed by the server, or still on its way. */
export interface Item extends Signal {
  pending?: boolean;
  failed?: string;
}

/**
 * One chat's loaded stretch of timeline, oldest first. `olderCursor` goes back as `before=`;
 * `newerCursor` is null when the stretch reaches the live end, so live signals join it.
 */
export interface Timeline {
  chatId: string;
  items: Item[];
  olderCursor: string | null;
  newerCursor: string | null;
}

/** UUIDv7 ids sort by creation time in their canonical (lowercase hex) text form. */
export function compareIds(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function fromPage(chatId: string, page: TimelinePage): Timeline {
  const timeline: Timeline = { chatId, items: [], olderCursor: page.nextCursor, newerCursor: page.newerCursor };
  return { ...timeline, items: mergeAll(timeline.items, page.items) };
}

export function withOlder(timeline: Timeline, page: TimelinePage): Timeline {
  return { ...timeline, items: mergeAll(timeline.items, page.items), olderCursor: page.nextCursor };
}

export function withNewer(timeline: Timeline, page: TimelinePage): Timeline {
  return { ...timeline, items: mergeAll(timeline.items, page.items), newerCursor: page.newerCursor };
}

/**
 * A signal from the live stream or from a send's answer. It replaces the local echo with the
 * same sender and clientId, or the same signal seen before; a stretch that does not reach the
 * live end ignores it, so no gap opens between what was loaded and the new signal.
 */
export function withSignal(timeline: Timeline, signal: Signal): Timeline {
  const known = timeline.items.some((i) => i.id === signal.id || isEchoOf(i, signal));
  if (!known && timeline.newerCursor !== null) return timeline;
  return { ...timeline, items: mergeAll(timeline.items, [signal]) };
}

export function withPending(timeline: Timeline, pending: Item): Timeline {
  return { ...timeline, items: [...timeline.items, { ...pending, pending: true }] };
}

export function withFailed(timeline: Timeline, clientId: string, reason: string): Timeline {
  return {
    ...timeline,
    items: timeline.items.map((i) => (i.pending && i.clientId === clientId ? { ...i, failed: reason } : i)),
  };
}

export function withoutPending(timeline: Timeline, clientId: string): Timeline {
  return { ...timeline, items: timeline.items.filter((i) => !(i.pending && i.clientId === clientId)) };
}

/** A reaction event carries the new count; `mine` changes only for my own reactions. */
export function withReaction(timeline: Timeline, event: ReactionEvent, meId: string): Timeline {
  const index = timeline.items.findIndex((i) => i.id === event.signalId);
  if (index < 0) return timeline;
  const items = timeline.items.slice();
  items[index] = reacted(items[index], event.emoji, event.count, event.userId === meId ? event.added : undefined);
  return { ...timeline, items };
}

/** My own reaction, shown before the server confirms it. */
export function withMyReaction(timeline: Timeline, signalId: string, emoji: string, on: boolean): Timeline {
  const index = timeline.items.findIndex((i) => i.id === signalId);
  if (index < 0) return timeline;
  const item = timeline.items[index];
  const current = item.reactions.find((r) => r.emoji === emoji);
  if ((current?.mine ?? false) === on) return timeline;
  const count = Math.max(0, (current?.count ?? 0) + (on ? 1 : -1));
  const items = timeline.items.slice();
  items[index] = reacted(item, emoji, count, on);
  return { ...timeline, items };
}

function reacted(item: Item, emoji: string, count: number, mine: boolean | undefined): Item {
  const reactions = item.reactions.slice();
  const at = reactions.findIndex((r) => r.emoji === emoji);
  if (count <= 0) {
    if (at >= 0) reactions.splice(at, 1);
  } else if (at >= 0) {
    reactions[at] = { ...reactions[at], count, mine: mine ?? reactions[at].mine };
  } else {
    reactions.push({ emoji, count, mine: mine ?? false });
  }
  return { ...item, reactions };
}

function isEchoOf(item: Item, signal: Signal): boolean {
  return !!item.pending && item.clientId !== null && item.clientId === signal.clientId && item.senderId === signal.senderId;
}

/** Confirmed signals by id, then local echoes in the order they were sent. */
function mergeAll(items: Item[], incoming: Signal[]): Item[] {
  let result = items.slice();
  for (const signal of incoming) {
    result = result.filter((i) => i.id !== signal.id && !isEchoOf(i, signal));
    result.push(signal);
  }
  const confirmed = result.filter((i) => !i.pending).sort((a, b) => compareIds(a.id, b.id));
  const pending = result.filter((i) => i.pending);
  return [...confirmed, ...pending];
}

/** The newest confirmed signal of the stretch, the one a read receipt points at. */
export function newestConfirmed(timeline: Timeline): Item | undefined {
  for (let i = timeline.items.length - 1; i >= 0; i--) {
    if (!timeline.items[i].pending) return timeline.items[i];
  }
  return undefined;
}

// ---- chat list ----

export function sortChats(chats: Chat[]): Chat[] {
  return chats.slice().sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt) || compareIds(b.id, a.id));
}

export function upsertChat(chats: Chat[], chat: Chat): Chat[] {
  return sortChats([...chats.filter((c) => c.id !== chat.id), chat]);
}

/**
 * A new signal moves its chat to the top with it as last message; it counts as unread when
 * someone else sent it and I am not looking at that chat. Null when the chat is not loaded.
 */
export function chatsWithSignal(chats: Chat[], signal: Signal, meId: string, looking: boolean): Chat[] | null {
  const chat = chats.find((c) => c.id === signal.chatId);
  if (!chat) return null;
  if (chat.lastSignal && compareIds(chat.lastSignal.id, signal.id) >= 0) return chats;
  const unread = signal.senderId !== meId && !looking ? chat.unreadCount + 1 : chat.unreadCount;
  const lastActivityAt = Date.parse(signal.createdAt) > Date.parse(chat.lastActivityAt) ? signal.createdAt : chat.lastActivityAt;
  // A live mention of me in a chat I am not looking at lights its "@" badge.
  const mentioned = signal.senderId !== meId && !looking && (signal.mentions ?? []).includes(meId);
  const unreadMentions = mentioned ? (chat.unreadMentions ?? 0) + 1 : chat.unreadMentions;
  return upsertChat(chats, { ...chat, lastSignal: signal, lastActivityAt, unreadCount: unread, unreadMentions });
}

export function chatsRead(chats: Chat[], chatId: string): Chat[] {
  return chats.map((c) => (c.id === chatId && (c.unreadCount !== 0 || (c.unreadMentions ?? 0) !== 0) ? { ...c, unreadCount: 0, unreadMentions: 0 } : c));
}

// ---- who saw what ----

/** Each member's read pointer as far as this client knows; pointers only move forward. */
export type ReadPointers = Record<string, string>;

export function withReadPointer(pointers: ReadPointers, userId: string, signalId: string): ReadPointers {
  const current = pointers[userId];
  if (current && compareIds(current, signalId) >= 0) return pointers;
  return { ...pointers, [userId]: signalId };
}

/** Members whose read pointer is at or after the signal, its sender left out. */
export function seenBy(pointers: ReadPointers, signal: Signal): string[] {
  return Object.entries(pointers)
    .filter(([userId, at]) => userId !== signal.senderId && compareIds(at, signal.id) >= 0)
    .map(([userId]) => userId);
}

export function chatTitle(chat: Chat, meId: string): string {
  if (chat.kind === "group") return chat.name ?? "Group";
  const other = chat.members.find((m) => m.id !== meId);
  return other?.displayName ?? other?.username ?? chat.name ?? "Direct chat";
}

/**
 * An edit from the live stream or an edit's answer: the signal's new text, keeping the
 * attachments already described (live events name them by id only), and the quotes of its replies.
 */
export function withEdited(timeline: Timeline, signal: Signal): Timeline {
  return {
    ...timeline,
    items: timeline.items.map((i) => {
      if (i.id === signal.id) return { ...i, ...signal, attachments: i.attachments, reactions: signal.reactions ?? i.reactions };
      if (i.replyTo?.id === signal.id) return { ...i, replyTo: { ...i.replyTo, text: signal.text?.slice(0, 200) ?? null } };
      return i;
    }),
  };
}

/** A signal became a tombstone: no text, files, mentions or reactions; replies quote it as deleted. */
export function withDeleted(timeline: Timeline, signalId: string, deletedAt: string): Timeline {
  return {
    ...timeline,
    items: timeline.items.map((i) => {
      if (i.id === signalId) return { ...i, deletedAt, text: null, attachments: [], attachmentIds: [], mentions: [], reactions: [] };
      if (i.replyTo?.id === signalId) return { ...i, replyTo: { ...i.replyTo, text: null, deleted: true } };
      return i;
    }),
  };
}

/** Who is typing now in a chat, without those whose `until` passed. */
export function typingNow(typing: Record<string, string> | undefined, now: number, exceptId: string): string[] {
  if (!typing) return [];
  return Object.entries(typing).filter(([id, until]) => id !== exceptId && Date.parse(until) > now).map(([id]) => id);
}
