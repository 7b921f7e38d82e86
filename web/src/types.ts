// Wire shapes of the HTTP API v1 (docs/api.md). Times are ISO-8601 strings.

export interface User {
  id: string;
  username: string;
  displayName: string;
}

export interface Me extends User {
  roles: string[];
  createdAt: string;
}

export type SignalKind = "message" | "member_joined" | "member_left" | "call_started" | "call_ended";

export interface ReactionCount {
  emoji: string;
  count: number;
  mine: boolean;
}

export interface Signal {
  id: string;
  chatId: string;
  kind: SignalKind;
  senderId: string;
  text: string | null;
  clientId: string | null;
  createdAt: string;
  memberId: string | null;
  callUrl: string | null;
  reactions: ReactionCount[];
  attachments: unknown[];
}

export interface Chat {
  id: string;
  kind: "direct" | "group";
  name: string | null;
  members: User[];
  lastActivityAt: string;
  unreadCount: number;
  lastSignal: Signal | null;
  createdBy: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TimelinePage {
  items: Signal[];
  nextCursor: string | null;
  newerCursor: string | null;
}

export interface WhoReacted {
  items: { emoji: string; userId: string; at: string }[];
}

export interface SignalReceipts {
  deliveredTo: { userId: string; at: string }[];
  readBy: { userId: string; at: string }[];
}

export type ReceiptState = "delivered" | "read";

export interface ReactionEvent {
  chatId: string;
  signalId: string;
  userId: string;
  emoji: string;
  added: boolean;
  count: number;
}

export interface ReceiptEvent {
  chatId: string;
  userId: string;
  state: ReceiptState;
  signalId: string;
  at: string;
}

export interface ChatEvent {
  chatId: string;
  removed: boolean;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
}
