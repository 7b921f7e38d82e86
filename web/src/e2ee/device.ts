// This browser's end-to-end device (docs/e2ee.md): made once per browser and user, kept in
// IndexedDB, registered at every sign-in (the same keys again are a 200), and the glue between
// the chat client and the session: sealing what is sent, opening what arrives, taking key
// shares, and noticing when a member's device keys change (trust on first use).
import type { Api } from "../api";
import type { DeviceInfo, DeviceMessage, Signal } from "../types";
import { DecryptError, type EncryptedPayload, generateDeviceKeys, publicJwk, safetyNumber, signDevice } from "./crypto";
import { E2eeSession, verifiedDevices, type KeyValue, type LocalDevice, type PublicDevice } from "./session";
import { openFile, sealedFiles, type SealedFile } from "./files";
import { fingerprints, keyChange, type KeyWarning } from "./trust";

interface StoredDevice {
  deviceId: string;
  identity: CryptoKeyPair;
  agreement: CryptoKeyPair;
}

/** What a sealed message holds (docs/e2ee.md, "plaintext"). */
interface Sealed {
  text?: string;
  files?: unknown[];
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
/** A user's device list is asked again at most this often when a message names a device not in it. */
const refetchAfterMs = 5_000;

export class E2eeDevice {
  private readonly session: E2eeSession;
  private readonly devices = new Map<string, Promise<PublicDevice[]>>();
  private readonly fetchedAt = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Told when a user's device keys differ from what this browser saw before. */
  onKeyChange: (userId: string, change: { added: number; removed: number }) => void = () => undefined;

  private constructor(private readonly api: Api, readonly me: LocalDevice, private readonly store: KeyValue) {
    this.session = new E2eeSession(me, (userId) => this.devicesOf(userId), store);
  }

  /** Loads this browser's device for the user, or makes one, and registers it with the server. */
  static async start(api: Api, userId: string, store: KeyValue, name = "Web browser"): Promise<E2eeDevice> {
    let stored = await store.get<StoredDevice>("device");
    if (!stored) {
      const keys = await generateDeviceKeys(false);
      stored = { deviceId: crypto.randomUUID(), identity: keys.identity, agreement: keys.agreement };
      await store.put("device", stored);
    }
    const agreementKey = await publicJwk(stored.agreement.publicKey);
    await api.putDevice(stored.deviceId, {
      name,
      identityKey: await publicJwk(stored.identity.publicKey),
      agreementKey,
      signature: await signDevice(userId, stored.deviceId, stored.identity.privateKey, agreementKey),
    });
    return new E2eeDevice(api, { userId, deviceId: stored.deviceId, identity: stored.identity, agreement: stored.agreement }, store);
  }

  get deviceId(): string {
    return this.me.deviceId;
  }

  /** A user's devices whose signatures verify, from the server once, then until `forget`. */
  devicesOf(userId: string): Promise<PublicDevice[]> {
    let known = this.devices.get(userId);
    if (!known) {
      known = this.fetchDevices(userId);
      this.devices.set(userId, known);
      this.fetchedAt.set(userId, Date.now());
      known.catch(() => this.devices.delete(userId));
    }
    return known;
  }

  /** A `devices` event: the user's list changed; ask again now, so that a key change shows at once. */
  async forget(userId: string): Promise<void> {
    this.devices.delete(userId);
    await this.devicesOf(userId).catch(() => undefined);
  }

  /** After a reconnect events may have been missed: every list is asked again when next needed. */
  forgetAll(): void {
    this.devices.clear();
  }

  private async fetchDevices(userId: string): Promise<PublicDevice[]> {
    const list = await verifiedDevices((await this.api.devices(userId)).items as PublicDevice[]);
    const now = fingerprints(list);
    const seen = await this.store.get<string[]>(`seen/${userId}`);
    const change = keyChange(seen, now);
    if (!seen || change) await this.store.put(`seen/${userId}`, now);
    if (change) this.onKeyChange(userId, change);
    return list;
  }

  /** One at a time: a key share is taken before the message that needs it is opened. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Seals a message for the chat's members, sending the key shares a new chain needs first. */
  seal(chatId: string, memberIds: string[], text: string, files: SealedFile[] = []): Promise<EncryptedPayload> {
    return this.serial(async () => {
      const body: Sealed = { text, files };
      const { payload, shares } = await this.session.encrypt(chatId, memberIds, utf8.encode(JSON.stringify(body)));
      if (shares.length > 0) {
        try {
          await this.api.sendDeviceMessages(this.me.deviceId, shares);
        } catch (error) {
          // Nobody got the chain: the next message starts a new one (and shares it again).
          await this.store.put(`out/${chatId}`, null);
          throw error;
        }
      }
      return payload;
    });
  }

  /** The signal with its text when this device can open it, else marked `undecryptable`. */
  open(signal: Signal): Promise<Signal> {
    if (!signal.encrypted || signal.deletedAt) return Promise.resolve(signal);
    return this.serial(() => this.openNow(signal));
  }

  openAll(signals: Signal[]): Promise<Signal[]> {
    return Promise.all(signals.map((s) => this.open(s)));
  }

  private async openNow(signal: Signal, retried = false): Promise<Signal> {
    try {
      const plaintext = await this.session.decrypt(signal.chatId, { id: signal.id, senderId: signal.senderId, encrypted: signal.encrypted! });
      const body = JSON.parse(fromUtf8.decode(plaintext)) as Sealed;
      return { ...signal, text: typeof body.text === "string" && body.text ? body.text : null, sealedFiles: sealedFiles(body.files), undecryptable: false };
    } catch (error) {
      if (!retried && error instanceof DecryptError && this.stale(signal.senderId)) {
        // A device added a moment ago may not be in the list this browser holds yet.
        this.devices.delete(signal.senderId);
        return this.openNow(signal, true);
      }
      return { ...signal, text: null, undecryptable: true };
    }
  }

  private stale(userId: string): boolean {
    return Date.now() - (this.fetchedAt.get(userId) ?? 0) > refetchAfterMs;
  }

  /** Takes a to-device message for this device and acknowledges it; answers the chat whose chain came. */
  receive(message: DeviceMessage): Promise<string | null> {
    if (message.deviceId !== this.me.deviceId) return Promise.resolve(null);
    return this.serial(async () => {
      const chatId = await this.take(message);
      await this.api.ackDeviceMessages(this.me.deviceId, [message.id]).catch(() => undefined);
      return chatId;
    });
  }

  /** Every message that waited for this device (it was offline): taken, then acknowledged. */
  drain(): Promise<string[]> {
    return this.serial(async () => {
      const chats = new Set<string>();
      for (let page = 0; page < 100; page++) {
        const pending = await this.api.deviceMessages(this.me.deviceId, null);
        if (pending.items.length === 0) break;
        for (const message of pending.items) {
          const chatId = await this.take(message);
          if (chatId) chats.add(chatId);
        }
        await this.api.ackDeviceMessages(this.me.deviceId, pending.items.map((m) => m.id));
        if (!pending.nextCursor) break;
      }
      return [...chats];
    });
  }

  private async take(message: DeviceMessage, retried = false): Promise<string | null> {
    if (message.type !== "key_share") return null;
    try {
      return (await this.session.receiveShare(message.senderId, message.content)).chatId;
    } catch (error) {
      if (!retried && error instanceof DecryptError && this.stale(message.senderId)) {
        this.devices.delete(message.senderId);
        return this.take(message, true);
      }
      // Refused (forged, for another chain): acknowledged all the same, it can never be used.
      return null;
    }
  }

  /** The safety number of me and another user, with their devices, and whether I marked it verified (docs/e2ee.md). */
  async safety(userId: string): Promise<{ devices: DeviceInfo[]; number: string; verified: boolean }> {
    const [mine, theirs] = await Promise.all([this.devicesOf(this.me.userId), this.devicesOf(userId)]);
    const number = await safetyNumber(
      { userId: this.me.userId, identityKeys: mine.map((d) => d.identityKey) },
      { userId, identityKeys: theirs.map((d) => d.identityKey) },
    );
    const verified = (await this.store.get<string | null>(`verified/${userId}`)) === number;
    return { devices: theirs as DeviceInfo[], number, verified };
  }

  /**
   * Marks a contact verified at the safety number both people compared, or unmarks it (null).
   * The mark holds for that number only: when their devices (or mine) change, the number changes
   * and the contact is no longer verified until compared again.
   */
  async setVerified(userId: string, number: string | null): Promise<void> {
    await this.store.put(`verified/${userId}`, number);
  }

  /** A sealed file's bytes, opened, with its real type. */
  async openFile(file: SealedFile, url: string): Promise<Blob> {
    const bytes = new Uint8Array(await (await this.api.blob(url)).arrayBuffer());
    return new Blob([await openFile(bytes, file)], { type: file.type || "application/octet-stream" });
  }

  async warnings(chatId: string): Promise<KeyWarning[]> {
    return (await this.store.get<KeyWarning[]>(`warnings/${chatId}`)) ?? [];
  }

  /** Keeps a warning with the chat, so that it is still there after a reload; answers all of the chat's. */
  async warn(warning: KeyWarning): Promise<KeyWarning[]> {
    const all = [...(await this.warnings(warning.chatId)), warning].slice(-50);
    await this.store.put(`warnings/${warning.chatId}`, all);
    return all;
  }
}
