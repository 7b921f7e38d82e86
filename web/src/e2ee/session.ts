// One device's end-to-end state (docs/e2ee.md): its outbound sender chains per chat, the chains
// other devices shared with it, and the checks that make a receiving client refuse a message.
import {
  b64u,
  ChainState,
  DecryptError,
  EncryptedPayload,
  fromB64u,
  hkdf,
  messageKeyAt,
  openMessage,
  openShare,
  PublicJwk,
  randomBytes,
  sealMessage,
  sealShare,
  ShareEnvelope,
  verifyDevice,
} from "./crypto";

export interface PublicDevice {
  userId: string;
  deviceId: string;
  name?: string;
  identityKey: PublicJwk;
  agreementKey: PublicJwk;
  signature: string;
}

export interface LocalDevice {
  userId: string;
  deviceId: string;
  identity: CryptoKeyPair;
  agreement: CryptoKeyPair;
}

/** Where the session keeps its chains: memory in tests, IndexedDB in the browser. */
export interface KeyValue {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
}

export interface OutgoingShare {
  userId: string;
  deviceId: string;
  type: "key_share";
  content: ShareEnvelope;
}

interface OutboundChain {
  chainId: string;
  chainKey: string;
  index: number;
  recipients: string[];
}

interface InboundChain {
  chatId: string;
  senderId: string;
  senderDeviceId: string;
  baseIndex: number;
  baseChainKey: string;
  used: Record<string, string>;
}

export class MemoryKeyValue implements KeyValue {
  private readonly map = new Map<string, unknown>();
  async get<T>(key: string) {
    return this.map.get(key) as T | undefined;
  }
  async put(key: string, value: unknown) {
    this.map.set(key, structuredClone(value));
  }
}

/** Devices whose device signature verifies, per user; a forged entry is left out. */
export async function verifiedDevices(devices: PublicDevice[]): Promise<PublicDevice[]> {
  const ok: PublicDevice[] = [];
  for (const d of devices) if (await verifyDevice(d.userId, d)) ok.push(d);
  return ok;
}

export class E2eeSession {
  constructor(
    readonly me: LocalDevice,
    private readonly devicesOf: (userId: string) => Promise<PublicDevice[]>,
    private readonly store: KeyValue,
  ) {}

  /**
   * Seals a message for the chat. A new chain starts when the chat's member devices differ from
   * those the current chain was shared with (a member added or removed, a device changed): the
   * returned shares must reach those devices before the message is useful to them.
   */
  async encrypt(chatId: string, memberIds: string[], plaintext: Uint8Array): Promise<{ payload: EncryptedPayload; shares: OutgoingShare[] }> {
    const recipients: PublicDevice[] = [];
    for (const userId of [...new Set(memberIds)].sort()) {
      for (const d of await verifiedDevices(await this.devicesOf(userId))) {
        if (!(d.userId === this.me.userId && d.deviceId === this.me.deviceId)) recipients.push(d);
      }
    }
    const names = recipients.map((d) => `${d.userId}/${d.deviceId}/${d.identityKey.x}`).sort();
    let chain = await this.store.get<OutboundChain>(`out/${chatId}`);
    const shares: OutgoingShare[] = [];
    if (!chain || chain.recipients.join("|") !== names.join("|")) {
      chain = { chainId: b64u(randomBytes(16)), chainKey: b64u(randomBytes(32)), index: 0, recipients: names };
      const state: ChainState = { chatId, chainId: chain.chainId, index: 0, chainKey: chain.chainKey };
      await this.rememberInbound(state, this.me.userId, this.me.deviceId);
      for (const d of recipients) {
        const content = await sealShare(
          { senderId: this.me.userId, senderDeviceId: this.me.deviceId, recipientId: d.userId, recipientDeviceId: d.deviceId },
          this.me.identity.privateKey,
          this.me.agreement.privateKey,
          d.agreementKey,
          state,
        );
        shares.push({ userId: d.userId, deviceId: d.deviceId, type: "key_share", content });
      }
    }
    const ck = fromB64u(chain.chainKey);
    const payload = await sealMessage({
      chatId,
      senderId: this.me.userId,
      senderDeviceId: this.me.deviceId,
      identityPrivate: this.me.identity.privateKey,
      chainId: chain.chainId,
      index: chain.index,
      messageKey: await hkdf(ck, "msg"),
      plaintext,
    });
    await this.store.put(`out/${chatId}`, { ...chain, chainKey: b64u(await hkdf(ck, "next")), index: chain.index + 1 });
    return { payload, shares };
  }

  /** Takes a key share sent to this device; refuses one from a device not on the sender's list. */
  async receiveShare(senderId: string, envelope: ShareEnvelope): Promise<ChainState> {
    const sender = (await verifiedDevices(await this.devicesOf(senderId))).find((d) => d.deviceId === envelope.senderDeviceId);
    if (!sender) throw new DecryptError("key share from a device not on the sender's list");
    const state = await openShare(
      { senderId, senderDeviceId: envelope.senderDeviceId, recipientId: this.me.userId, recipientDeviceId: this.me.deviceId },
      envelope,
      sender.identityKey,
      sender.agreementKey,
      this.me.agreement.privateKey,
    );
    const known = await this.store.get<InboundChain>(`in/${state.chainId}`);
    // A repeated share never moves a chain back nor moves it to another chat or sender.
    if (known && (known.chatId !== state.chatId || known.senderId !== senderId || known.senderDeviceId !== envelope.senderDeviceId)) {
      throw new DecryptError("key share conflicts with a known chain");
    }
    if (!known) await this.rememberInbound(state, senderId, envelope.senderDeviceId);
    return state;
  }

  /** Opens a signal's sealed message, or throws DecryptError ("could not decrypt"). */
  async decrypt(chatId: string, signal: { id: string; senderId: string; encrypted: EncryptedPayload }): Promise<Uint8Array> {
    const payload = signal.encrypted;
    const sender = (await verifiedDevices(await this.devicesOf(signal.senderId))).find((d) => d.deviceId === payload.senderDeviceId);
    if (!sender) throw new DecryptError("sender device not on the sender's list");
    const chain = await this.store.get<InboundChain>(`in/${payload.chainId}`);
    if (!chain) throw new DecryptError("no key for this chain (not shared with this device)");
    if (chain.chatId !== chatId || chain.senderId !== signal.senderId || chain.senderDeviceId !== payload.senderDeviceId) {
      throw new DecryptError("chain belongs to another chat or sender");
    }
    if (!Number.isInteger(payload.index)) throw new DecryptError("bad index");
    const seenBy = chain.used[String(payload.index)];
    if (seenBy !== undefined && seenBy !== signal.id) throw new DecryptError("replayed index");
    const { messageKey } = await messageKeyAt(fromB64u(chain.baseChainKey), chain.baseIndex, payload.index);
    const plaintext = await openMessage(chatId, signal.senderId, payload, sender.identityKey, messageKey);
    if (seenBy === undefined) {
      chain.used[String(payload.index)] = signal.id;
      await this.store.put(`in/${payload.chainId}`, chain);
    }
    return plaintext;
  }

  private async rememberInbound(state: ChainState, senderId: string, senderDeviceId: string) {
    const chain: InboundChain = {
      chatId: state.chatId,
      senderId,
      senderDeviceId,
      baseIndex: state.index,
      baseChainKey: state.chainKey,
      used: {},
    };
    await this.store.put(`in/${state.chainId}`, chain);
  }
}
