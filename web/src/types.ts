// Wire shapes of the HTTP API v1 (docs/api.md). Times are ISO-8601 strings.
import type { EncryptedPayload, PublicJwk, ShareEnvelope } from "./e2ee/crypto";
import type { SealedFile } from "./e2ee/files";

export interface User {
  id: string;
  username: string;
  displayName: string;
  /** `bot` for an app's or an incoming webhook's bot user. */
  kind?: "user" | "bot";
  /** Chat members carry it; live `presence` events keep it current. */
  presence?: Presence;
}

export type PresenceState = "online" | "away" | "offline" | "busy" | "dnd";
export type Availability = "auto" | "busy" | "dnd" | "away";

export interface UserStatus {
  emoji: string | null;
  text: string | null;
  expiresAt: string | null;
  availability: Availability;
}

/** A user's presence (docs/presence.md); also the data of a `presence` event. */
export interface Presence {
  userId: string;
  state: PresenceState;
  lastSeenAt: string | null;
  status: UserStatus | null;
  source: "petitchat" | "microsoft365";
}

export interface StatusRequest {
  emoji?: string | null;
  text?: string | null;
  expiresAt?: string | null;
  availability?: Availability;
}

export interface Me extends User {
  roles: string[];
  createdAt: string;
}

export type SignalKind = "message" | "member_joined" | "member_left" | "call_started" | "call_ended" | "chat_renamed";

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
  /** Live events and chat summaries carry the ids only; timeline pages also `attachments`. */
  attachmentIds?: string[];
  attachments?: Attachment[];
  /** Call signals written by a call (docs/calls.md); the rest only on `call_ended`. */
  callId?: string | null;
  media?: CallMedia | null;
  durationSeconds?: number | null;
  participantIds?: string[] | null;
  missed?: boolean | null;
  /** Last edit; null when never edited. */
  editedAt?: string | null;
  /** Set on a tombstone ("message deleted"): no text, attachments or reactions. */
  deletedAt?: string | null;
  replyToId?: string | null;
  /** The answered signal as it is now. */
  replyTo?: SignalQuote | null;
  mentions?: string[];
  /** On `chat_renamed` signals. */
  oldName?: string | null;
  newName?: string | null;
  /** The sealed message of an end-to-end encrypted chat (docs/e2ee.md); `text` is then null. */
  encrypted?: EncryptedPayload | null;
  /** Client side: a sealed message this device could not open ("Could not decrypt"). */
  undecryptable?: boolean;
  /** Client side: the files of an opened sealed message, with their keys. */
  sealedFiles?: SealedFile[];
  /** On a thread reply: its root. Such a signal is not in the main timeline. */
  threadId?: string | null;
  /** On a thread's root, after its first reply. */
  thread?: ThreadSummary | null;
}

export interface ThreadSummary {
  replyCount: number;
  lastReplyAt: string;
  participantIds: string[];
}

/** `GET .../signals/{rootId}/thread`: the root and its replies, oldest first. */
export interface ThreadPage {
  root: Signal;
  items: Signal[];
  nextCursor: string | null;
  previousCursor: string | null;
}

export type CallMedia = "audio" | "video";

export interface CallParticipant {
  userId: string;
  joinedAt: string;
  leftAt: string | null;
}

/** How to open the conference: `jwt` is null when Jitsi runs without tokens. */
export interface CallJoin {
  url: string;
  domain: string;
  room: string;
  jwt: string | null;
}

export interface Call {
  id: string;
  chatId: string;
  room: string;
  media: CallMedia;
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  participants: CallParticipant[];
  join: CallJoin | null;
}

export type CallAction = "started" | "joined" | "left" | "ended" | "declined";

/** The `call` live event. */
export interface CallEvent {
  call: Call;
  action: CallAction;
  userId: string;
}

export interface SignalQuote {
  id: string;
  senderId: string;
  text: string | null;
  deleted: boolean;
}

export interface SignalDeletedEvent {
  chatId: string;
  signalId: string;
  deletedAt: string;
}

/** Ephemeral: `userId` is typing in the chat until `until`. */
export interface TypingEvent {
  chatId: string;
  userId: string;
  threadId: string | null;
  until: string;
}

/**
 * A file on a message, as this user sees it. `loadUrl` is what to show inline by my image
 * settings (preview when low quality is on), null when it waits for a click or is no image.
 */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  width: number | null;
  height: number | null;
  contentUrl: string;
  previewUrl: string | null;
  thumbnailUrl: string | null;
  loadUrl: string | null;
}

export interface StoredFile {
  id: string;
  chatId: string;
  name: string;
  size: number;
  contentType: string;
  width: number | null;
  height: number | null;
  contentUrl: string;
  previewUrl: string | null;
  thumbnailUrl: string | null;
}

export interface ImageSettings {
  autoLoadImages: boolean;
  lowQualityImages: boolean;
}

export interface Chat {
  id: string;
  kind: "direct" | "group";
  name: string | null;
  members: User[];
  lastActivityAt: string;
  unreadCount: number;
  lastSignal: Signal | null;
  /** Unread signals that mention me. */
  unreadMentions?: number;
  createdBy: string;
  createdAt: string;
  /** End-to-end encrypted (docs/e2ee.md): messages are sealed on the devices. */
  encrypted?: boolean;
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

export interface ReceiptMove {
  userId: string;
  state: ReceiptState;
  signalId: string;
  at: string;
}

/** One move in its own fields; a coalesced batch also lists every member's latest in `receipts`. */
export interface ReceiptEvent extends ReceiptMove {
  chatId: string;
  receipts?: ReceiptMove[];
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
  /** On a 503 from a send: the message is stored, and repeating the send with its clientId completes it. */
  saved?: boolean;
}

/** A search result: `snippet` marks matched words between U+E000 and U+E001. */
export interface SearchHit {
  signalId: string;
  chatId: string;
  senderId: string;
  createdAt: string;
  snippet: string;
}

/** My settings for one chat. */
export interface ChatSettings {
  chatId: string;
  muted: boolean;
}

/** A device of end-to-end encryption as the server lists it (docs/e2ee.md). */
export interface DeviceInfo {
  userId: string;
  deviceId: string;
  name: string;
  identityKey: PublicJwk;
  agreementKey: PublicJwk;
  signature: string;
  createdAt: string;
}

/** A to-device message waiting for one of my devices; also the data of a `device_message` event. */
export interface DeviceMessage {
  id: string;
  userId: string;
  deviceId: string;
  senderId: string;
  senderDeviceId: string;
  type: string;
  content: ShareEnvelope;
  createdAt: string;
}
