import type { Chat, Signal } from "./types";

/**
 * A chat list row shows its chat's last signal: an edit or a delete of that very signal changes
 * the row too, or a deleted message's text would stay readable in the list until a reload.
 * Null when no chat shows that signal (nothing to re-render).
 */
export function chatsWithEditedSignal(chats: Chat[], signal: Signal): Chat[] | null {
  if (!chats.some((c) => c.id === signal.chatId && c.lastSignal?.id === signal.id)) return null;
  return chats.map((c) => (c.id === signal.chatId && c.lastSignal?.id === signal.id ? { ...c, lastSignal: { ...c.lastSignal, ...signal } } : c));
}

export function chatsWithDeletedSignal(chats: Chat[], chatId: string, signalId: string, deletedAt: string): Chat[] | null {
  if (!chats.some((c) => c.id === chatId && c.lastSignal?.id === signalId)) return null;
  return chats.map((c) =>
    c.id === chatId && c.lastSignal?.id === signalId
      ? { ...c, lastSignal: { ...c.lastSignal, text: null, deletedAt, attachmentIds: [], attachments: [], reactions: [], mentions: [] } }
      : c,
  );
}
