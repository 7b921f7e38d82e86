import { ApiError, type Api } from "./api";
import { incomingCall, withCall, type Calls } from "./calls";
import { ephemeralText, isCommandResult, type Command, type CommandAnswerEvent, type IncomingWebhook } from "./apps";
import { LiveStream, type LiveEventType, type LiveState } from "./live";
import { PushSwitch } from "./push";
import { searchAllChats, searchChat, type GlobalFilters, type SearchResult } from "./search";
import {
  chatsRead, chatsWithSignal, compareIds, fromPage, newestConfirmed, sortChats, upsertChat, withFailed, withMyReaction,
  withDeleted, withEdited, withNewer, withOlder, withPending, withReaction, withReadPointer, withSignal, withoutPending, type ReadPointers,
  type Timeline,
} from "./timeline";
import { HeardPresence, withPresence } from "./presence";
import { withReceiptEvent } from "./receipts";
import type { E2eeDevice } from "./e2ee/device";
import { opaqueName, sealFile, type SealedFile } from "./e2ee/files";
import type { KeyWarning } from "./e2ee/trust";
import { searchOpened } from "./e2ee/localSearch";
import type {
  Call, CallEvent, CallJoin, CallMedia, Chat, ChatEvent, DeviceMessage, ImageSettings, Me, Presence, ReactionEvent, ReceiptEvent, Signal, SignalDeletedEvent, SignalQuote,
  StatusRequest, StoredFile, TimelinePage, TypingEvent, User,
} from "./types";
import { type OpenThread, withChanged, withGone, withReply } from "./threads";
import { chatsWithDeletedSignal, chatsWithEditedSignal } from "./previews";

export interface State {
  me: Me;
  chats: Chat[];
  chatsCursor: string | null;
  chatsLoaded: boolean;
  users: Record<string, User>;
  live: LiveState;
  openChatId: string | null;
  timelines: Record<string, Timeline>;
  pointers: Record<string, ReadPointers>;
  /** The signal a jump landed on, highlighted for a moment. */
  highlight: string | null;
  /** Bumped when the open timeline was replaced (jump, refetch), so the view scrolls anew. */
  timelineEpoch: number;
  loading: { older: boolean; newer: boolean; timeline: boolean };
  notice: string | null;
  /** Whether images load by themselves, and as low-quality previews. */
  imageSettings: ImageSettings | null;
  /** Calls known from answers and `call` events, by id. */
  calls: Calls;
  /** The conference open in this page, with how I joined it. */
  conference: { call: Call; join: CallJoin } | null;
  /** Calls I declined here or on another device: they no longer ring. */
  declined: string[];
  /** Apps' answers to my slash commands that only I see, per chat, oldest first; never stored. */
  ephemeral: Record<string, { id: string; command: string; text: string }[]>;
  /** Per chat: who is typing, until when (ephemeral, from the live stream). */
  typing: Record<string, Record<string, string>>;
  /** Per encrypted chat: a member's device keys changed since this browser saw them (kept in IndexedDB). */
  keyWarnings: Record<string, KeyWarning[]>;
  /** The thread open beside the conversation (docs/api.md: threads). */
  thread?: OpenThread | null;
  /** Per chat: the message the composer's next message answers (its quote), until sent or cancelled. */
  replyingTo?: Record<string, SignalQuote>;
}

const pageSize = 50;

/**
 * The live events that change the chat list (its chats, previews, counts). Presence is not among
 * them: `HeardPresence` keeps a member's newer presence over any load without reading again.
 */
const listEventTypes: ReadonlySet<LiveEventType> = new Set(["signal", "chat", "signal_edited", "signal_deleted", "receipt", "reset"]);

/**
 * Everything the conversation screens show, kept up to date from the API and the live stream.
 * Views read `state` and call the actions; every change replaces `state` and notifies.
 */
export class ChatClient {
  state: State;
  private readonly listeners = new Set<() => void>();
  private readonly live: LiveStream;
  private readonly readSent: Record<string, string> = {};
  private readonly deliveredSent: Record<string, string> = {};
  private readonly fetchingChats = new Set<string>();
  /** Presence events heard, so that a load they overtook does not put the older presence back. */
  private readonly presence = new HeardPresence();
  /** Live events that change what the chat list shows, counted so that a refresh sees one came while it loaded. */
  private listEvents = 0;
  /** Files I sealed and uploaded here, by id: their keys go into the message that carries them. */
  private readonly sealedUploads = new Map<string, SealedFile>();
  /** The "Notifications" switch of the settings (Web Push in this browser). */
  readonly push: PushSwitch;

  constructor(
    private readonly api: Api,
    me: Me,
    private readonly visible: () => boolean = () => document.visibilityState === "visible",
    /** This browser's end-to-end device; null when it could not be made (encrypted chats then stay sealed). */
    readonly e2ee: E2eeDevice | null = null,
  ) {
    this.push = new PushSwitch(api);
    this.state = {
      me,
      chats: [],
      chatsCursor: null,
      chatsLoaded: false,
      users: { [me.id]: me },
      live: "stopped",
      openChatId: null,
      timelines: {},
      pointers: {},
      highlight: null,
      timelineEpoch: 0,
      loading: { older: false, newer: false, timeline: false },
      notice: null,
      imageSettings: null,
      calls: {},
      conference: null,
      declined: [],
      ephemeral: {},
      typing: {},
      keyWarnings: {},
    };
    if (e2ee) e2ee.onKeyChange = (userId, change) => void this.keyChanged(userId, change);
    this.live = new LiveStream(
      {
        event: (type, data) => this.onEvent(type, data),
        state: (live) => this.set({ live }),
        opened: (resumed) => {
          if (!resumed) {
            // Device lists and key shares may have changed unseen while the stream was down.
            this.e2ee?.forgetAll();
            void this.takeKeyShares();
            void this.refresh();
          }
        },
      },
      { ticket: async () => (await this.api.eventTicket()).ticket },
    );
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.live.start();
    this.api.imageSettings().then((imageSettings) => this.set({ imageSettings }), () => undefined);
  }

  stop(): void {
    this.live.stop();
  }

  /** Reconnect now rather than at the next retry (the browser came back online). */
  nudge(): void {
    this.live.nudge();
  }

  get openTimeline(): Timeline | undefined {
    return this.state.openChatId ? this.state.timelines[this.state.openChatId] : undefined;
  }

  userName(userId: string | null): string {
    if (!userId) return "Someone";
    if (userId === this.state.me.id) return "You";
    const user = this.state.users[userId];
    return user?.displayName || user?.username || "Someone";
  }

  // ---- loading ----

  /** Chats and the open timeline from scratch: at start and after a `reset`. */
  async refresh(): Promise<void> {
    await this.guard(async () => {
      // A live event that came while the page loaded may be newer than what the page read (a
      // chat just made, a message, a rename): the page would put the older list back, so it is
      // read again, twice at most (on a busy account the events after that keep it current).
      let chats: Chat[] = [];
      for (let read = 1; ; read++) {
        const since = this.presence.mark();
        const heard = this.listEvents;
        const page = await this.api.chats(null, pageSize);
        chats = page.items;
        this.set({ chats: sortChats(chats), chatsCursor: page.nextCursor, chatsLoaded: true, users: this.withUsers(chats, since) });
        if (this.listEvents === heard || read === 3) break;
      }
      const open = this.state.openChatId;
      if (open) {
        if (chats.some((c) => c.id === open)) await this.loadLatest(open);
        else this.set({ openChatId: null });
      }
    });
  }

  async moreChats(): Promise<void> {
    const cursor = this.state.chatsCursor;
    if (!cursor) return;
    await this.guard(async () => {
      const since = this.presence.mark();
      const page = await this.api.chats(cursor, pageSize);
      let chats = this.state.chats;
      for (const chat of page.items) chats = upsertChat(chats, chat);
      this.set({ chats, chatsCursor: page.nextCursor, users: this.withUsers(page.items, since) });
    });
  }

  /** Open a chat at its newest signals, or around one (a jump). */
  async openChat(chatId: string, around?: string): Promise<void> {
    if (this.state.openChatId !== chatId) this.set({ openChatId: chatId, highlight: null });
    if (around) await this.jumpTo(chatId, around);
    else if (!this.state.timelines[chatId] || this.state.timelines[chatId].newerCursor !== null) await this.loadLatest(chatId);
    else this.set({ timelineEpoch: this.state.timelineEpoch + 1 });
    this.markRead();
  }

  closeChat(): void {
    this.set({ openChatId: null, highlight: null });
  }

  async jumpTo(chatId: string, signalId: string): Promise<void> {
    await this.loading("timeline", async () => {
      const page = await this.page(chatId, { around: signalId, limit: pageSize });
      this.setTimeline(fromPage(chatId, page), { highlight: signalId, timelineEpoch: this.state.timelineEpoch + 1 });
    });
  }

  async loadLatest(chatId: string): Promise<void> {
    await this.loading("timeline", async () => {
      const since = this.presence.mark();
      const [page, chat] = await Promise.all([this.page(chatId, { limit: pageSize }), this.api.chat(chatId), this.loadKeyWarnings(chatId)]);
      this.set({ chats: upsertChat(this.state.chats, chat), users: this.withUsers([chat], since) });
      // Messages still on their way (or failed, waiting for a retry) stay at the end.
      let timeline = fromPage(chatId, page);
      for (const item of this.state.timelines[chatId]?.items ?? []) {
        if (item.pending) timeline = withPending(timeline, item);
      }
      this.setTimeline(timeline, { timelineEpoch: this.state.timelineEpoch + 1, highlight: null });
      await this.loadSeen(chatId);
    });
  }

  async loadOlder(): Promise<void> {
    const timeline = this.openTimeline;
    if (!timeline?.olderCursor || this.state.loading.older) return;
    await this.loading("older", async () => {
      const page = await this.page(timeline.chatId, { before: timeline.olderCursor!, limit: pageSize });
      this.setTimeline(withOlder(this.state.timelines[timeline.chatId] ?? timeline, page));
    });
  }

  async loadNewer(): Promise<void> {
    const timeline = this.openTimeline;
    if (!timeline?.newerCursor || this.state.loading.newer) return;
    await this.loading("newer", async () => {
      const page = await this.page(timeline.chatId, { after: timeline.newerCursor!, limit: pageSize });
      this.setTimeline(withNewer(this.state.timelines[timeline.chatId] ?? timeline, page));
    });
    this.markRead();
  }

  /** Who has read up to my latest message: one receipts call, then receipt events keep it up. */
  private async loadSeen(chatId: string): Promise<void> {
    const timeline = this.state.timelines[chatId];
    const mine = timeline?.items.filter((i) => !i.pending && i.senderId === this.state.me.id && i.kind === "message").at(-1);
    if (!mine) return;
    const receipts = await this.api.receipts(chatId, mine.id);
    let pointers = this.state.pointers[chatId] ?? {};
    for (const r of receipts.readBy) pointers = withReadPointer(pointers, r.userId, mine.id);
    this.set({ pointers: { ...this.state.pointers, [chatId]: pointers } });
  }

  // ---- actions ----

  /** The next message in the signal's chat answers it (a quote above the composer until sent or cancelled). */
  startReply(signal: Signal): void {
    const quote: SignalQuote = { id: signal.id, senderId: signal.senderId, text: signal.text?.slice(0, 200) ?? null, deleted: false };
    this.set({ replyingTo: { ...this.state.replyingTo, [signal.chatId]: quote } });
  }

  cancelReply(chatId: string): void {
    const replyingTo = { ...this.state.replyingTo };
    delete replyingTo[chatId];
    this.set({ replyingTo });
  }

  async send(text: string, files: StoredFile[] = []): Promise<void> {
    const chatId = this.state.openChatId;
    const body = text.trim();
    if (!chatId || (!body && files.length === 0)) return;
    const replyTo = this.state.replyingTo?.[chatId];
    if (replyTo) this.cancelReply(chatId);
    if (this.state.timelines[chatId]?.newerCursor) await this.loadLatest(chatId);
    const clientId = crypto.randomUUID();
    const timeline = this.state.timelines[chatId] ?? { chatId, items: [], olderCursor: null, newerCursor: null };
    this.setTimeline(withPending(timeline, {
      id: `pending-${clientId}`, chatId, kind: "message", senderId: this.state.me.id, text: body || null, clientId,
      createdAt: new Date().toISOString(), memberId: null, callUrl: null, reactions: [],
      attachmentIds: files.map((f) => f.id), attachments: files.map((f) => ({ ...f, loadUrl: null })),
      sealedFiles: this.sealedOf(files.map((f) => f.id)),
      ...(replyTo ? { replyToId: replyTo.id, replyTo } : {}),
    }));
    await this.deliver(chatId, clientId, body, files.map((f) => f.id), replyTo?.id);
  }

  /** Send a failed message again with the same clientId, so it cannot arrive twice. */
  async retry(chatId: string, clientId: string): Promise<void> {
    const item = this.state.timelines[chatId]?.items.find((i) => i.pending && i.clientId === clientId);
    if (!item) return;
    this.setTimeline({ ...this.state.timelines[chatId], items: this.state.timelines[chatId].items.map((i) => (i === item ? { ...i, failed: undefined } : i)) });
    await this.deliver(chatId, clientId, item.text ?? "", item.attachmentIds ?? [], item.replyToId ?? undefined);
  }

  private async deliver(chatId: string, clientId: string, text: string, attachmentIds: string[], replyToId?: string): Promise<void> {
    try {
      const sealed = this.state.chats.find((c) => c.id === chatId)?.encrypted ? await this.seal(chatId, text, this.sealedOf(attachmentIds)) : null;
      const answer = await this.api.send(chatId, {
        clientId,
        ...(sealed ? { encrypted: sealed } : text ? { text } : {}),
        ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
        ...(replyToId ? { replyToId } : {}),
      });
      if (isCommandResult(answer)) {
        // A slash command an app answered: nothing was sent as typed.
        const timeline = this.state.timelines[chatId];
        if (timeline) this.setTimeline(withoutPending(timeline, clientId));
        if (answer.visibility === "me") this.addEphemeral(chatId, answer.command, ephemeralText(answer));
        if (answer.call) this.enter(answer.call);
        return;
      }
      this.onSignal(answer.encrypted ? await this.opened(answer) : answer);
    } catch (error) {
      const timeline = this.state.timelines[chatId];
      if (timeline) this.setTimeline(withFailed(timeline, clientId, describe(error)));
    }
  }

  /** Starts a call in the open chat (or joins the one running there) and opens the conference. */
  async startCall(media: CallMedia): Promise<void> {
    const chatId = this.state.openChatId;
    if (!chatId) return;
    await this.guard(async () => this.enter(await this.api.startCall(chatId, media)));
  }

  async joinCall(callId: string): Promise<void> {
    await this.guard(async () => this.enter(await this.api.callAction(callId, "join")));
  }

  /** Leaves the open conference; the last one out ends the call. */
  async leaveCall(): Promise<void> {
    const conference = this.state.conference;
    if (!conference) return;
    this.set({ conference: null });
    await this.guard(async () => this.set({ calls: withCall(this.state.calls, await this.api.callAction(conference.call.id, "leave")) }));
  }

  /** Ends the open conference for everyone (its starter, the group's creator or an admin). */
  async endCall(): Promise<void> {
    const conference = this.state.conference;
    if (!conference) return;
    this.set({ conference: null });
    await this.guard(async () => this.set({ calls: withCall(this.state.calls, await this.api.callAction(conference.call.id, "end")) }));
  }

  async declineCall(callId: string): Promise<void> {
    this.set({ declined: [...this.state.declined, callId] });
    await this.guard(() => this.api.callAction(callId, "decline"));
  }

  /** The call of a call card, fetched once when this client has not seen it. */
  async loadCall(callId: string): Promise<void> {
    if (this.state.calls[callId]) return;
    try {
      this.set({ calls: withCall(this.state.calls, await this.api.getCall(callId)) });
    } catch {
      // The card shows what its signal says.
    }
  }

  /** The call ringing for me now, if any. */
  get incoming(): Call | null {
    return incomingCall(this.state.calls, this.state.me.id, this.state.declined, this.state.conference?.call.id ?? null);
  }

  private enter(call: Call): void {
    this.set({ calls: withCall(this.state.calls, call), conference: call.join ? { call, join: call.join } : null });
  }

  /** Replaces the text of one of my messages in the open chat. */
  async editMessage(signalId: string, text: string): Promise<boolean> {
    const chatId = this.state.openChatId;
    if (!chatId) return false;
    return (await this.guard(async () => {
      const edited = await this.api.editSignal(chatId, signalId, text);
      const timeline = this.state.timelines[chatId];
      if (timeline) this.setTimeline(withEdited(timeline, edited));
      return true;
    })) ?? false;
  }

  /** Deletes a message of the open chat; it stays as a tombstone. */
  async deleteMessage(signalId: string): Promise<void> {
    const chatId = this.state.openChatId;
    if (!chatId) return;
    await this.guard(async () => {
      await this.api.deleteSignal(chatId, signalId);
      const timeline = this.state.timelines[chatId];
      if (timeline) this.setTimeline(withDeleted(timeline, signalId, new Date().toISOString()));
    });
  }

  private typingSentAt = 0;

  /** Tells the others I am typing, at most every 2 seconds (the server throttles the same way). */
  typing(): void {
    const chatId = this.state.openChatId;
    const now = Date.now();
    if (!chatId || now - this.typingSentAt < 2000) return;
    this.typingSentAt = now;
    this.api.typing(chatId).catch(() => undefined);
  }

  async renameChat(chatId: string, name: string): Promise<void> {
    await this.guard(async () => {
      const chat = await this.api.renameChat(chatId, name);
      this.set({ chats: upsertChat(this.state.chats, chat) });
    });
  }

  async react(signalId: string, emoji: string, on: boolean): Promise<void> {
    const chatId = this.state.openChatId;
    const timeline = this.openTimeline;
    if (!chatId || !timeline) return;
    this.setTimeline(withMyReaction(timeline, signalId, emoji, on));
    try {
      await this.api.react(chatId, signalId, emoji, on);
    } catch (error) {
      const now = this.state.timelines[chatId];
      if (now) this.setTimeline(withMyReaction(now, signalId, emoji, !on));
      this.set({ notice: describe(error) });
    }
  }

  async startDirect(user: User): Promise<Chat | null> {
    return this.guard(() => this.take(this.api.createChat([user.id])));
  }

  async createGroup(name: string, members: User[], encrypted = false): Promise<Chat | null> {
    return this.guard(() => this.take(this.api.createChat(members.map((m) => m.id), name, encrypted)));
  }

  async addMember(chatId: string, user: User): Promise<void> {
    await this.guard(() => this.take(this.api.addMember(chatId, user.id)));
  }

  async removeMember(chatId: string, userId: string): Promise<void> {
    await this.guard(async () => {
      await this.api.removeMember(chatId, userId);
      if (userId === this.state.me.id) this.forgetChat(chatId);
      else this.set({ chats: await this.replaceChat(chatId) });
    });
  }

  /** Deletes a file this user uploaded, so one removed from the composer is not left in the chat's files. */
  discardUpload(fileId: string): Promise<void> {
    return this.api.deleteFile(fileId);
  }

  async upload(file: File, progress: (done: number) => void, signal?: AbortSignal): Promise<StoredFile> {
    const chatId = this.state.openChatId!;
    if (!this.state.chats.find((c) => c.id === chatId)?.encrypted) return this.api.upload(chatId, file, progress, signal);
    if (!this.e2ee) throw new Error("This browser cannot keep encryption keys, so it cannot send files here.");
    // Sealed before it leaves: the server gets opaque bytes under a neutral name.
    const { ciphertext, file: sealed } = await sealFile(new Uint8Array(await file.arrayBuffer()), file.name, file.type);
    const stored = await this.api.upload(chatId, new File([ciphertext], opaqueName, { type: "application/octet-stream" }), progress, signal);
    this.sealedUploads.set(stored.id, { ...sealed, id: stored.id });
    return stored;
  }

  /** A sealed attachment's bytes, opened, as an object URL; the caller revokes it. */
  async sealedObjectUrl(file: SealedFile, url: string): Promise<string> {
    if (!this.e2ee) throw new Error("This browser keeps no encryption keys.");
    return URL.createObjectURL(await this.e2ee.openFile(file, url));
  }

  /** An attachment's bytes as an object URL for <img> or a download; the caller revokes it. */
  async objectUrl(url: string): Promise<string> {
    return URL.createObjectURL(await this.api.blob(url));
  }

  async saveImageSettings(settings: ImageSettings): Promise<void> {
    // Shown at once, so that a second change made before the first is saved starts from it.
    const before = this.state.imageSettings;
    this.set({ imageSettings: settings });
    await this.guard(async () => {
      try {
        await this.api.saveImageSettings(settings);
      } catch (error) {
        this.set({ imageSettings: before });
        throw error;
      }
      // Each attachment's loadUrl follows the settings: take the open chat again.
      if (this.state.openChatId) await this.loadLatest(this.state.openChatId);
    });
  }

  findUsers(prefix: string): Promise<User[]> {
    const since = this.presence.mark();
    return this.api.findUsers(prefix, 10).then((page) => {
      const found = page.items.map((u) => this.presence.over(u, since));
      this.set({ users: { ...this.state.users, ...Object.fromEntries(found.map((u) => [u.id, u])) } });
      return found;
    });
  }

  whoReacted(signalId: string) {
    return this.api.whoReacted(this.state.openChatId!, signalId);
  }

  receipts(signalId: string) {
    return this.api.receipts(this.state.openChatId!, signalId);
  }

  /**
   * Search in a chat; null for an empty query (nothing asked). An encrypted chat is searched here,
   * over the messages this browser has opened (the server cannot read them).
   */
  search(chatId: string, q: string, cursor: string | null = null): Promise<SearchResult | null> {
    if (this.state.chats.find((c) => c.id === chatId)?.encrypted) {
      if (!q.trim()) return Promise.resolve(null);
      return Promise.resolve({ hits: searchOpened(this.state.timelines[chatId]?.items ?? [], q), nextCursor: null, message: null });
    }
    return searchChat(this.api, chatId, q, cursor);
  }

  /** Search across every chat I am in; null when nothing is asked. */
  searchAll(q: string, filters: GlobalFilters, cursor: string | null = null): Promise<SearchResult | null> {
    return searchAllChats(this.api, q, filters, cursor);
  }

  /** Whether I muted a chat; null when it cannot be known (the switch then stays hidden). */
  async muted(chatId: string): Promise<boolean | null> {
    try {
      return (await this.api.chatSettings(chatId)).muted;
    } catch {
      return null;
    }
  }

  async setMuted(chatId: string, muted: boolean): Promise<boolean | null> {
    return this.guard(async () => (await this.api.saveChatSettings(chatId, { muted })).muted);
  }

  /** Show a message to the user (a failure of a view's own action). */
  notify(notice: string): void {
    this.set({ notice });
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  clearHighlight(): void {
    if (this.state.highlight) this.set({ highlight: null });
  }

  /** Move my read pointer to the newest signal shown, when the chat is open and visible. */
  markRead(): void {
    const timeline = this.openTimeline;
    if (!timeline || timeline.newerCursor !== null || !this.visible()) return;
    const newest = newestConfirmed(timeline);
    const chatId = timeline.chatId;
    this.set({ chats: chatsRead(this.state.chats, chatId) });
    if (!newest || (this.readSent[chatId] && compareIds(this.readSent[chatId], newest.id) >= 0)) return;
    this.readSent[chatId] = newest.id;
    this.api.markAs(chatId, newest.id, "read").catch(() => delete this.readSent[chatId]);
  }

  // ---- presence ----

  /** My presence as others see it (from chat members and my own presence events). */
  get myPresence(): Presence | undefined {
    return this.state.users[this.state.me.id]?.presence;
  }

  async setStatus(status: StatusRequest): Promise<void> {
    await this.guard(async () => this.mine(await this.api.setStatus(status)));
  }

  async clearStatus(): Promise<void> {
    await this.guard(async () => this.mine(await this.api.clearStatus()));
  }

  /** My presence as the server answered a change of it: newer than any load in flight. */
  private mine(presence: Presence): void {
    this.presence.heard(presence);
    this.set({ users: withPresence(this.state.users, presence) });
  }

  /** Do not disturb on or off, keeping my status's emoji, text and expiry. */
  async toggleDnd(): Promise<void> {
    const status = this.myPresence?.status;
    const on = status?.availability === "dnd";
    await this.setStatus({ emoji: status?.emoji ?? null, text: status?.text ?? null, expiresAt: status?.expiresAt ?? null, availability: on ? "auto" : "dnd" });
  }

  /** Tells the server I am here (my input, not a poll); see activity.ts. */
  markActive(): Promise<void> {
    return this.api.activity();
  }

  // ---- threads ----

  /** Opens a root's thread beside the conversation, with its first page of replies. */
  async openThread(chatId: string, rootId: string): Promise<void> {
    const root = this.state.timelines[chatId]?.items.find((i) => i.id === rootId);
    if (root) this.set({ thread: { chatId, root, replies: [], loading: true } });
    await this.guard(async () => {
      const page = await this.api.thread(chatId, rootId, { limit: 100 });
      this.set({ thread: { chatId, root: page.root, replies: page.items, loading: false } });
    });
  }

  closeThread(): void {
    this.set({ thread: null });
  }

  /** Replies in the open thread; the answer (and the live event) add it once. */
  async sendInThread(text: string): Promise<boolean> {
    const thread = this.state.thread;
    const body = text.trim();
    if (!thread || !body) return false;
    try {
      const answer = await this.api.send(thread.chatId, { clientId: crypto.randomUUID(), text: body, threadId: thread.root.id });
      if (!isCommandResult(answer) && this.state.thread) this.set({ thread: withReply(this.state.thread, answer) });
      return true;
    } catch (error) {
      this.set({ notice: `Not sent: ${describe(error)}` });
      return false;
    }
  }

  // ---- live events ----

  private onEvent(type: LiveEventType, data: unknown): void {
    if (listEventTypes.has(type)) this.listEvents++;
    switch (type) {
      case "signal": {
        const signal = data as Signal;
        if (signal.threadId) {
          // A thread reply: never in the main timeline; the root's count comes as signal_edited.
          if (this.state.thread) this.set({ thread: withReply(this.state.thread, signal) });
          break;
        }
        if (signal.attachmentIds?.length && !signal.attachments?.length && this.state.timelines[signal.chatId]) {
          // Live events name attachments by id only: the timeline has them as this user sees them.
          void this.page(signal.chatId, { around: signal.id, limit: 1 })
            .then((page) => page.items.find((i) => i.id === signal.id) ?? this.opened(signal), () => this.opened(signal))
            .then((shown) => this.onSignal(shown, true));
        } else if (signal.encrypted) {
          void this.opened(signal).then((shown) => this.onSignal(shown, true));
        } else {
          this.onSignal(signal, true);
        }
        break;
      }
      case "reaction": {
        const event = data as ReactionEvent;
        const timeline = this.state.timelines[event.chatId];
        if (timeline) this.setTimeline(withReaction(timeline, event, this.state.me.id));
        break;
      }
      case "receipt": {
        const event = data as ReceiptEvent;
        const before = this.state.pointers[event.chatId] ?? {};
        const pointers = withReceiptEvent(before, event);
        if (pointers !== before) this.set({ pointers: { ...this.state.pointers, [event.chatId]: pointers } });
        break;
      }
      case "chat": {
        const event = data as ChatEvent;
        if (event.removed) this.forgetChat(event.chatId);
        else void this.guard(async () => this.set({ chats: await this.replaceChat(event.chatId) }));
        break;
      }
      case "call": {
        const event = data as CallEvent;
        const patch: Partial<State> = { calls: withCall(this.state.calls, event.call) };
        const me = this.state.me.id;
        if (event.action === "declined" && event.userId === me) patch.declined = [...this.state.declined, event.call.id];
        else if (event.action === "declined" && event.call.startedBy === me) patch.notice = `${this.userName(event.userId)} declined the call.`;
        if (event.action === "ended" && this.state.conference?.call.id === event.call.id) patch.conference = null;
        this.set(patch);
        break;
      }
      case "command_answer": {
        const event = data as CommandAnswerEvent;
        this.addEphemeral(event.chatId, event.command, event.text);
        break;
      }
      case "reset":
        void this.refresh();
        break;
      case "signal_edited": {
        const signal = data as Signal;
        const timeline = this.state.timelines[signal.chatId];
        if (timeline) this.setTimeline(withEdited(timeline, signal));
        if (this.state.thread) this.set({ thread: withChanged(this.state.thread, signal) });
        const chats = chatsWithEditedSignal(this.state.chats, signal);
        if (chats) this.set({ chats });
        break;
      }
      case "signal_deleted": {
        const event = data as SignalDeletedEvent;
        const timeline = this.state.timelines[event.chatId];
        if (timeline) this.setTimeline(withDeleted(timeline, event.signalId, event.deletedAt));
        if (this.state.thread) this.set({ thread: withGone(this.state.thread, event.signalId, event.deletedAt) });
        const chats = chatsWithDeletedSignal(this.state.chats, event.chatId, event.signalId, event.deletedAt);
        if (chats) this.set({ chats });
        break;
      }
      case "typing": {
        const event = data as TypingEvent;
        const inChat = { ...(this.state.typing[event.chatId] ?? {}), [event.userId]: event.until };
        this.set({ typing: { ...this.state.typing, [event.chatId]: inChat } });
        // Re-render when it runs out, so "is typing…" goes away by itself.
        setTimeout(() => this.set({ typing: { ...this.state.typing } }), Math.max(0, Date.parse(event.until) - Date.now()) + 50);
        break;
      }
      case "presence":
        this.presence.heard(data as Presence);
        this.set({ users: withPresence(this.state.users, data as Presence) });
        break;
      case "devices":
        void this.e2ee?.forget((data as { userId: string }).userId);
        break;
      case "device_message":
        void this.e2ee?.receive(data as DeviceMessage).then((chatId) => (chatId ? this.reopen(chatId) : undefined));
        break;
    }
  }

  // ---- end-to-end encryption (docs/e2ee.md; the device and its session are in e2ee/) ----

  /** A timeline page with the sealed messages this device can open opened. */
  private async page(chatId: string, at: Parameters<Api["timeline"]>[1]): Promise<TimelinePage> {
    const page = await this.api.timeline(chatId, at);
    return page.items.some((s) => s.encrypted) ? { ...page, items: await Promise.all(page.items.map((s) => this.opened(s))) } : page;
  }

  /** A sealed signal opened by this device; without a device, marked as what it cannot open. */
  private opened(signal: Signal): Promise<Signal> {
    if (this.e2ee) return this.e2ee.open(signal);
    return Promise.resolve(signal.encrypted && !signal.deletedAt ? { ...signal, undecryptable: true } : signal);
  }

  /** Seals a message with the chat's members as they are now, so that a new member gets a new chain. */
  private async seal(chatId: string, text: string, files: SealedFile[]) {
    if (!this.e2ee) throw new Error("This browser cannot keep encryption keys (IndexedDB is off), so it cannot send here.");
    const chat = await this.api.chat(chatId);
    return this.e2ee.seal(chatId, chat.members.map((m) => m.id), text, files);
  }

  private sealedOf(fileIds: string[]): SealedFile[] {
    return fileIds.map((id) => this.sealedUploads.get(id)).filter((f): f is SealedFile => f !== undefined);
  }

  /** Key shares that waited for this device; then what they unlock in the loaded timelines. */
  private async takeKeyShares(): Promise<void> {
    if (!this.e2ee) return;
    try {
      for (const chatId of await this.e2ee.drain()) await this.reopen(chatId);
    } catch {
      // The next reconnect asks again; messages meanwhile show "Could not decrypt".
    }
  }

  /** A chain came for the chat: open again what could not be opened. */
  private async reopen(chatId: string): Promise<void> {
    const sealed = this.state.timelines[chatId]?.items.filter((i) => i.undecryptable) ?? [];
    if (!this.e2ee || sealed.length === 0) return;
    const opened = new Map((await this.e2ee.openAll(sealed)).filter((s) => !s.undecryptable).map((s) => [s.id, s]));
    const timeline = this.state.timelines[chatId];
    if (opened.size === 0 || !timeline) return;
    this.setTimeline({ ...timeline, items: timeline.items.map((i) => opened.get(i.id) ?? i) });
  }

  private async loadKeyWarnings(chatId: string): Promise<void> {
    if (!this.e2ee) return;
    const warnings = await this.e2ee.warnings(chatId);
    this.set({ keyWarnings: { ...this.state.keyWarnings, [chatId]: warnings } });
  }

  /** A member's device keys changed: a warning in each encrypted chat with them. */
  private async keyChanged(userId: string, change: { added: number; removed: number }): Promise<void> {
    for (const chat of this.state.chats) {
      if (!chat.encrypted || !chat.members.some((m) => m.id === userId) || !this.e2ee) continue;
      const warnings = await this.e2ee.warn({ id: crypto.randomUUID(), chatId: chat.id, userId, at: new Date().toISOString(), ...change });
      this.set({ keyWarnings: { ...this.state.keyWarnings, [chat.id]: warnings } });
    }
  }

  /** Safety number and devices of a member, for the encryption panel. */
  safety(userId: string) {
    if (!this.e2ee) return Promise.reject(new Error("This browser keeps no encryption keys."));
    return this.e2ee.safety(userId);
  }

  /** Marks a member verified at the safety number we compared (null unmarks). */
  setVerified(userId: string, number: string | null): Promise<void> {
    if (!this.e2ee) return Promise.reject(new Error("This browser keeps no encryption keys."));
    return this.e2ee.setVerified(userId, number);
  }

  private addEphemeral(chatId: string, command: string, text: string): void {
    const notes = [...(this.state.ephemeral[chatId] ?? []), { id: crypto.randomUUID(), command, text }];
    this.set({ ephemeral: { ...this.state.ephemeral, [chatId]: notes } });
  }

  dismissEphemeral(chatId: string, id: string): void {
    this.set({ ephemeral: { ...this.state.ephemeral, [chatId]: (this.state.ephemeral[chatId] ?? []).filter((n) => n.id !== id) } });
  }

  /** The slash commands offered in a chat (built-ins and its apps'), for the composer's suggestions. */
  commands(chatId: string): Promise<Command[]> {
    return this.api.commands(chatId).then((r) => r.items, () => []);
  }

  incomingWebhooks(chatId: string): Promise<IncomingWebhook[]> {
    return this.api.incomingWebhooks(chatId).then((r) => r.items);
  }

  createIncomingWebhook(chatId: string, name: string): Promise<IncomingWebhook> {
    return this.api.createIncomingWebhook(chatId, name);
  }

  deleteIncomingWebhook(chatId: string, webhookId: string): Promise<void> {
    return this.api.deleteIncomingWebhook(chatId, webhookId);
  }

  private onSignal(signal: Signal, live = false): void {
    if (signal.kind === "member_left" && signal.memberId === this.state.me.id) {
      // I left or was removed: the chat is no longer mine to fetch.
      this.forgetChat(signal.chatId);
      return;
    }
    const looking = this.state.openChatId === signal.chatId && this.visible();
    const timeline = this.state.timelines[signal.chatId];
    if (timeline) this.setTimeline(withSignal(timeline, signal));
    const chats = chatsWithSignal(this.state.chats, signal, this.state.me.id, looking);
    if (chats) this.set({ chats });
    else void this.guard(async () => this.set({ chats: await this.replaceChat(signal.chatId) }));
    if (signal.kind === "member_joined" || signal.kind === "member_left") {
      void this.guard(async () => this.set({ chats: await this.replaceChat(signal.chatId) }));
    }
    if (!live || signal.senderId === this.state.me.id) return;
    if (looking) this.markRead();
    else this.markDelivered(signal);
  }

  private markDelivered(signal: Signal): void {
    const sent = this.deliveredSent[signal.chatId];
    if (sent && compareIds(sent, signal.id) >= 0) return;
    this.deliveredSent[signal.chatId] = signal.id;
    this.api.markAs(signal.chatId, signal.id, "delivered").catch(() => undefined);
  }

  private async replaceChat(chatId: string): Promise<Chat[]> {
    if (this.fetchingChats.has(chatId)) return this.state.chats;
    this.fetchingChats.add(chatId);
    try {
      const since = this.presence.mark();
      const chat = await this.api.chat(chatId);
      this.set({ users: this.withUsers([chat], since) });
      return upsertChat(this.state.chats, chat);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        this.forgetChat(chatId);
        return this.state.chats;
      }
      throw error;
    } finally {
      this.fetchingChats.delete(chatId);
    }
  }

  private forgetChat(chatId: string): void {
    const timelines = { ...this.state.timelines };
    delete timelines[chatId];
    this.set({
      chats: this.state.chats.filter((c) => c.id !== chatId),
      timelines,
      openChatId: this.state.openChatId === chatId ? null : this.state.openChatId,
    });
  }

  // ---- plumbing ----

  /** A chat the server answers a change with (made, a member added): listed, with its members. */
  private async take(answer: Promise<Chat>): Promise<Chat> {
    // Taken before the answer can come: no live event is handled before this line runs.
    const since = this.presence.mark();
    const chat = await answer;
    this.set({ chats: upsertChat(this.state.chats, chat), users: this.withUsers([chat], since) });
    return chat;
  }

  /** The users with the members of these chats, loaded by a load begun at `since` (a presence heard meanwhile stays). */
  private withUsers(chats: Chat[], since: number): Record<string, User> {
    const users = { ...this.state.users };
    for (const chat of chats) for (const member of chat.members) users[member.id] = this.presence.over(member, since);
    return users;
  }

  private setTimeline(timeline: Timeline, extra: Partial<State> = {}): void {
    this.set({ timelines: { ...this.state.timelines, [timeline.chatId]: timeline }, ...extra });
  }

  private async loading(what: keyof State["loading"], work: () => Promise<void>): Promise<void> {
    this.set({ loading: { ...this.state.loading, [what]: true } });
    try {
      await this.guard(work);
    } finally {
      this.set({ loading: { ...this.state.loading, [what]: false } });
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      this.set({ notice: describe(error) });
      return null;
    }
  }

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "The server cannot be reached.";
  return error instanceof Error ? error.message : String(error);
}
