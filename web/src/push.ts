// Web Push: the browser's subscription, made with the server's VAPID key and told to the server
// (docs/api.md, notifications). public/sw.js shows what arrives.
import { ApiError, type Api } from "./api";

/** What this code needs of the browser's PushSubscription (tests hand in a fake). */
export interface PushSubscriptionLike {
  readonly endpoint: string;
  toJSON(): PushSubscriptionJSON;
  unsubscribe(): Promise<boolean>;
}

/** What this code needs of the browser's PushManager (tests hand in a fake). */
export interface PushManagerLike {
  getSubscription(): Promise<PushSubscriptionLike | null>;
  subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }): Promise<PushSubscriptionLike>;
}

export interface PushEnvironment {
  /** The service worker's push manager; null when the browser has no push or no worker. */
  pushManager(): Promise<PushManagerLike | null>;
  permission(): NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
}

export type PushStatus = "unsupported" | "blocked" | "off" | "on";

type PushApi = Pick<Api, "vapidPublicKey" | "savePushSubscription" | "deletePushSubscription">;

/** A failure to turn notifications on or off, with a message for the user. */
export class PushError extends Error {}

/** The "Notifications" switch: on subscribes and tells the server, off unsubscribes and tells it. */
export class PushSwitch {
  constructor(
    private readonly api: PushApi,
    private readonly env: PushEnvironment = browserPush(),
    /** A browser that cannot reach its push service may never answer a subscribe: give up then. */
    private readonly subscribeTimeoutMs = 10_000,
  ) {}

  async status(): Promise<PushStatus> {
    const manager = await this.env.pushManager().catch(() => null);
    if (!manager) return "unsupported";
    if (this.env.permission() === "denied") return "blocked";
    if (this.env.permission() !== "granted") return "off";
    return (await manager.getSubscription().catch(() => null)) ? "on" : "off";
  }

  async enable(): Promise<void> {
    const manager = await this.env.pushManager().catch(() => null);
    if (!manager) throw new PushError("This browser cannot receive notifications here.");
    const permission = this.env.permission() === "granted" ? "granted" : await this.env.requestPermission();
    if (permission !== "granted") throw new PushError("Notifications are blocked for this site: allow them in the browser's site settings.");
    const { publicKey } = await this.api.vapidPublicKey();
    const existing = await manager.getSubscription().catch(() => null);
    let subscription = existing ?? await this.subscribe(manager, publicKey);
    try {
      try {
        await this.api.savePushSubscription(subscription.toJSON());
      } catch (error) {
        // 409 for a subscription this browser had already: another account on this browser registered
        // it (an endpoint is never moved between accounts), so this one takes a fresh endpoint.
        if (!(existing && error instanceof ApiError && error.status === 409)) throw error;
        await existing.unsubscribe().catch(() => false);
        subscription = await this.subscribe(manager, publicKey);
        await this.api.savePushSubscription(subscription.toJSON());
      }
    } catch (error) {
      // Not known to the server: nothing would arrive, so do not keep it in the browser either.
      await subscription.unsubscribe().catch(() => false);
      throw error;
    }
  }

  private async subscribe(manager: PushManagerLike, publicKey: string): Promise<PushSubscriptionLike> {
    try {
      return await within(
        manager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(publicKey) }),
        this.subscribeTimeoutMs,
        "its push service did not answer",
      );
    } catch (error) {
      throw new PushError(`The browser could not subscribe to notifications (${(error as Error).message || "no push service"}).`);
    }
  }

  async disable(): Promise<void> {
    const manager = await this.env.pushManager().catch(() => null);
    const subscription = await manager?.getSubscription().catch(() => null);
    if (!subscription) return;
    try {
      await this.api.deletePushSubscription(subscription.endpoint);
    } catch (error) {
      // 404: the server had already forgotten it (a push service said it was gone).
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await subscription.unsubscribe();
  }
}

function within<T>(work: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A base64url string (the VAPID public key) as bytes, the form `applicationServerKey` takes. */
export function base64UrlBytes(text: string): Uint8Array {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The service worker at /sw.js: registered at start, quietly absent where the browser has none. */
export async function registerWorker(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch {
    // No worker (an insecure origin, say): the app works, only notifications are off.
  }
  // A click on a notification asks an open window to show its chat.
  navigator.serviceWorker.addEventListener("message", (event: MessageEvent) => {
    const data = event.data as { type?: string; hash?: string } | null;
    if (data?.type === "open" && typeof data.hash === "string" && data.hash.startsWith("#/")) window.location.hash = data.hash;
  });
}

function browserPush(): PushEnvironment {
  return {
    async pushManager() {
      if (!("serviceWorker" in navigator) || typeof Notification === "undefined") return null;
      const registration = await navigator.serviceWorker.getRegistration("/");
      return (registration?.pushManager as PushManagerLike | undefined) ?? null;
    },
    permission: () => Notification.permission,
    requestPermission: () => Notification.requestPermission(),
  };
}
