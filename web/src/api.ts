import type { Command, CommandResult, IncomingWebhook } from "./apps";
import type {
  Call, CallMedia, Chat, ChatSettings, SearchHit, ImageSettings, Me, StoredFile, Page, Problem, ReceiptState, Signal, SignalKind, SignalReceipts, ThreadPage, TimelinePage, User, WhoReacted,
  Presence, StatusRequest, DeviceInfo, DeviceMessage,
} from "./types";
import type { EncryptedPayload, PublicJwk } from "./e2ee/crypto";
import type { GlobalSearchParams } from "./search";

/** Tries of a send that the server answers 503 "saved" (see {@link Api.send}). */
export const SendAttempts = 4;

/** A failed call, with the server's problem document when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem | null, readonly retryAfterSeconds: number | null = null) {
    super(ApiError.describe(status, problem));
  }

  private static describe(status: number, problem: Problem | null): string {
    if (problem?.errors) {
      const first = Object.values(problem.errors)[0]?.[0];
      if (first) return first;
    }
    return problem?.detail ?? problem?.title ?? `The server answered ${status}.`;
  }
}

export type TokenSource = () => Promise<string | null>;

/** The HTTP API v1 over fetch with the user's bearer token. */
export class Api {
  constructor(
    private readonly token: TokenSource,
    private readonly base = "",
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    /** Called on a 401; when it answers true (a new token was had) the call is made once more. */
    private readonly unauthorized: () => Promise<boolean> = async () => false,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  me(): Promise<Me> {
    return this.call("GET", "/api/v1/me");
  }

  findUsers(prefix: string, limit = 10): Promise<Page<User>> {
    return this.call("GET", `/api/v1/users${query({ username: prefix, limit })}`);
  }

  chats(cursor?: string | null, limit = 50): Promise<Page<Chat>> {
    return this.call("GET", `/api/v1/chats${query({ cursor, limit })}`);
  }

  chat(chatId: string): Promise<Chat> {
    return this.call("GET", `/api/v1/chats/${chatId}`);
  }

  createChat(memberIds: string[], name?: string, encrypted = false): Promise<Chat> {
    return this.call("POST", "/api/v1/chats", { memberIds, ...(name ? { name } : {}), ...(encrypted ? { encrypted: true } : {}) });
  }

  addMember(chatId: string, userId: string): Promise<Chat> {
    return this.call("POST", `/api/v1/chats/${chatId}/members`, { userId });
  }

  deleteFile(fileId: string): Promise<void> {
    return this.call("DELETE", `/api/v1/files/${fileId}`);
  }

  removeMember(chatId: string, userId: string): Promise<void> {
    return this.call("DELETE", `/api/v1/chats/${chatId}/members/${userId}`);
  }

  /**
   * A signal, or a command's result when the text was a slash command that an app answered. A 503
   * with `saved: true` (stored, but its live events or its pushes were not taken) is repeated with
   * the same clientId, after the server's Retry-After (at most 5 s), up to {@link SendAttempts} tries
   * in all: the repeat returns the stored signal and completes what was missing.
   */
  async send(chatId: string, body: { kind?: SignalKind; text?: string; encrypted?: EncryptedPayload; clientId: string; callUrl?: string; attachmentIds?: string[]; replyToId?: string; threadId?: string }): Promise<Signal | CommandResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call("POST", `/api/v1/chats/${chatId}/signals`, body);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 503 || error.problem?.saved !== true || attempt >= SendAttempts) throw error;
        await this.wait(Math.min(error.retryAfterSeconds ?? 1, 5) * 1000);
      }
    }
  }

  startCall(chatId: string, media: CallMedia): Promise<Call> {
    return this.call("POST", `/api/v1/chats/${chatId}/calls`, { media });
  }

  getCall(callId: string): Promise<Call> {
    return this.call("GET", `/api/v1/calls/${callId}`);
  }

  /** join (answers with a fresh `join` for me), leave, end (for everyone) or decline. */
  callAction(callId: string, action: "join" | "leave" | "end" | "decline"): Promise<Call> {
    return this.call("POST", `/api/v1/calls/${callId}/${action}`);
  }

  incomingWebhooks(chatId: string): Promise<{ items: IncomingWebhook[] }> {
    return this.call("GET", `/api/v1/chats/${chatId}/incoming-webhooks`);
  }

  createIncomingWebhook(chatId: string, name: string): Promise<IncomingWebhook> {
    return this.call("POST", `/api/v1/chats/${chatId}/incoming-webhooks`, { name });
  }

  deleteIncomingWebhook(chatId: string, webhookId: string): Promise<void> {
    return this.call("DELETE", `/api/v1/chats/${chatId}/incoming-webhooks/${webhookId}`);
  }

  commands(chatId: string): Promise<{ items: Command[] }> {
    return this.call("GET", `/api/v1/chats/${chatId}/commands`);
  }

  editSignal(chatId: string, signalId: string, text: string): Promise<Signal> {
    return this.call("PATCH", `/api/v1/chats/${chatId}/signals/${signalId}`, { text });
  }

  deleteSignal(chatId: string, signalId: string): Promise<void> {
    return this.call("DELETE", `/api/v1/chats/${chatId}/signals/${signalId}`);
  }

  typing(chatId: string): Promise<void> {
    return this.call("POST", `/api/v1/chats/${chatId}/typing`, {});
  }

  renameChat(chatId: string, name: string): Promise<Chat> {
    return this.call("PATCH", `/api/v1/chats/${chatId}`, { name });
  }

  /** A thread's root and replies, oldest first (`after=` the page's `nextCursor` for newer ones). */
  thread(chatId: string, rootId: string, at: { before?: string; after?: string; limit?: number } = {}): Promise<ThreadPage> {
    return this.call("GET", `/api/v1/chats/${chatId}/signals/${rootId}/thread${query(at)}`);
  }

  timeline(chatId: string, at: { before?: string; after?: string; around?: string; limit?: number } = {}): Promise<TimelinePage> {
    return this.call("GET", `/api/v1/chats/${chatId}/signals${query(at)}`);
  }

  react(chatId: string, signalId: string, emoji: string, on: boolean): Promise<void> {
    return this.call(on ? "PUT" : "DELETE", `/api/v1/chats/${chatId}/signals/${signalId}/reactions/${encodeURIComponent(emoji)}`);
  }

  whoReacted(chatId: string, signalId: string): Promise<WhoReacted> {
    return this.call("GET", `/api/v1/chats/${chatId}/signals/${signalId}/reactions`);
  }

  markAs(chatId: string, signalId: string, state: ReceiptState): Promise<{ deliveredMoved: boolean; readMoved: boolean }> {
    return this.call("POST", `/api/v1/chats/${chatId}/receipts`, { signalId, state });
  }

  receipts(chatId: string, signalId: string): Promise<SignalReceipts> {
    return this.call("GET", `/api/v1/chats/${chatId}/signals/${signalId}/receipts`);
  }

  setStatus(status: StatusRequest): Promise<Presence> {
    return this.call("PUT", "/api/v1/me/status", status);
  }

  clearStatus(): Promise<Presence> {
    return this.call("DELETE", "/api/v1/me/status");
  }

  /** I am here: ends `away` (docs/presence.md). */
  activity(): Promise<void> {
    return this.call("POST", "/api/v1/me/activity");
  }

  imageSettings(): Promise<ImageSettings> {
    return this.call("GET", "/api/v1/me/settings");
  }

  saveImageSettings(settings: ImageSettings): Promise<ImageSettings> {
    return this.call("PUT", "/api/v1/me/settings", settings);
  }

  /**
   * Uploads one file, reporting progress (0..1). XMLHttpRequest, because fetch cannot report
   * an upload's progress.
   */
  async upload(chatId: string, file: File, progress: (done: number) => void, signal?: AbortSignal): Promise<StoredFile> {
    const token = await this.token();
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `${this.base}/api/v1/chats/${chatId}/files`);
      if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => e.lengthComputable && progress(e.loaded / e.total);
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // No body.
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as StoredFile);
        else reject(new ApiError(xhr.status, body as Problem | null));
      };
      xhr.onerror = () => reject(new TypeError("The upload failed: the server cannot be reached."));
      xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
      signal?.addEventListener("abort", () => xhr.abort());
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
  }

  /** A file's bytes (content, preview or thumbnail URL), which need the bearer token too. */
  async blob(url: string, retried = false): Promise<Blob> {
    const token = await this.token();
    const response = await this.fetchImpl(this.base + url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (response.status === 401 && !retried && (await this.unauthorized())) return this.blob(url, true);
    if (!response.ok) throw new ApiError(response.status, null);
    return response.blob();
  }

  /** One page of a chat's messages matching `q`, best match first (see snippet.ts for `snippet`). */
  search(chatId: string, q: string, cursor?: string | null, limit = 20): Promise<Page<SearchHit>> {
    return this.call("GET", `/api/v1/chats/${chatId}/search${query({ q, limit, cursor })}`);
  }

  /** One page of matches across every chat I am in, with filters (docs/api.md, "Across my chats"). */
  searchAll(params: GlobalSearchParams, cursor?: string | null, limit = 20): Promise<Page<SearchHit>> {
    return this.call("GET", `/api/v1/search${query({ ...params, limit, cursor })}`);
  }

  chatSettings(chatId: string): Promise<ChatSettings> {
    return this.call("GET", `/api/v1/chats/${chatId}/settings`);
  }

  saveChatSettings(chatId: string, settings: { muted: boolean }): Promise<ChatSettings> {
    return this.call("PUT", `/api/v1/chats/${chatId}/settings`, settings);
  }

  vapidPublicKey(): Promise<{ publicKey: string }> {
    return this.call("GET", "/api/v1/push/vapid-public-key");
  }

  /** The browser's PushSubscription as its toJSON() gives it: `{ endpoint, keys: { p256dh, auth } }`. */
  savePushSubscription(subscription: PushSubscriptionJSON): Promise<{ endpoint: string; createdAt: string }> {
    return this.call("POST", "/api/v1/me/push-subscriptions", { endpoint: subscription.endpoint, keys: subscription.keys });
  }

  deletePushSubscription(endpoint: string): Promise<void> {
    return this.call("DELETE", `/api/v1/me/push-subscriptions${query({ endpoint })}`);
  }

  /** Registers this browser's device of end-to-end encryption (docs/e2ee.md); the same keys again are a 200. */
  putDevice(deviceId: string, device: { name: string; identityKey: PublicJwk; agreementKey: PublicJwk; signature: string }): Promise<DeviceInfo> {
    return this.call("PUT", `/api/v1/me/devices/${encodeURIComponent(deviceId)}`, device);
  }

  devices(userId: string): Promise<{ items: DeviceInfo[] }> {
    return this.call("GET", `/api/v1/users/${userId}/devices`);
  }

  sendDeviceMessages(senderDeviceId: string, messages: { userId: string; deviceId: string; type: string; content: unknown }[]): Promise<unknown> {
    return this.call("POST", "/api/v1/devices/messages", { senderDeviceId, messages });
  }

  deviceMessages(deviceId: string, cursor?: string | null, limit = 50): Promise<Page<DeviceMessage>> {
    return this.call("GET", `/api/v1/me/devices/${encodeURIComponent(deviceId)}/messages${query({ cursor, limit })}`);
  }

  ackDeviceMessages(deviceId: string, ids: string[]): Promise<void> {
    return this.call("POST", `/api/v1/me/devices/${encodeURIComponent(deviceId)}/messages/ack`, { ids });
  }

  eventTicket(): Promise<{ ticket: string; expiresAt: string }> {
    return this.call("POST", "/api/v1/events/tickets");
  }

  private async call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await this.fetchImpl(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && !retried && (await this.unauthorized())) {
      return this.call(method, path, body, true);
    }
    if (!response.ok) {
      let problem: Problem | null = null;
      try {
        problem = (await response.json()) as Problem;
      } catch {
        // Not every failure has a body (a proxy's 502, an empty 401).
      }
      const header = response.headers.get("Retry-After");
      const retryAfter = header === null ? NaN : Number(header);
      throw new ApiError(response.status, problem, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

function query(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
