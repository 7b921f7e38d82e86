import type { Signal } from "./types";

/** The thread open beside the conversation: its root and replies, oldest first. */
export interface OpenThread {
  chatId: string;
  root: Signal;
  replies: Signal[];
  loading: boolean;
}

/** A reply arrived (live or as my send's answer): added once, in id order. */
export function withReply(thread: OpenThread, reply: Signal): OpenThread {
  if (reply.threadId !== thread.root.id) return thread;
  const others = thread.replies.filter((r) => r.id !== reply.id);
  return { ...thread, replies: [...others, reply].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/** A signal changed (`signal_edited`): the root with its new counts, or a reply's new text. */
export function withChanged(thread: OpenThread, signal: Signal): OpenThread {
  if (signal.id === thread.root.id) return { ...thread, root: { ...thread.root, ...signal } };
  if (!thread.replies.some((r) => r.id === signal.id)) return thread;
  return { ...thread, replies: thread.replies.map((r) => (r.id === signal.id ? { ...r, ...signal } : r)) };
}

/** A reply or the root became a tombstone. */
export function withGone(thread: OpenThread, signalId: string, deletedAt: string): OpenThread {
  const gone = (s: Signal): Signal => (s.id === signalId ? { ...s, deletedAt, text: null, attachments: [], attachmentIds: [], mentions: [], reactions: [] } : s);
  return { ...thread, root: gone(thread.root), replies: thread.replies.map(gone) };
}

/** "3 replies" under a root. */
export function replyLabel(count: number): string {
  return count === 1 ? "1 reply" : `${count} replies`;
}
