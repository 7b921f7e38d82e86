// The wire format of end-to-end encrypted chats (docs/e2ee.md), on WebCrypto only, so it runs
// the same in browsers and under Node (Vitest). Known-answer vectors: tests/vectors/e2ee.json,
// also read by the C# test client.

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

export interface EncryptedPayload {
  v: 1;
  senderDeviceId: string;
  chainId: string;
  index: number;
  iv: string;
  ciphertext: string;
  signature: string;
}

export interface ShareEnvelope {
  v: 1;
  senderDeviceId: string;
  iv: string;
  ciphertext: string;
  signature: string;
}

/** A chain's state from `index` on: what a key share carries. */
export interface ChainState {
  chatId: string;
  chainId: string;
  index: number;
  chainKey: string;
}

/** Anything a receiving client refuses: shown as "could not decrypt". */
export class DecryptError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "DecryptError";
  }
}

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDH = { name: "ECDH", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export function b64u(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromB64u(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new DecryptError("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** HKDF-SHA-256, empty salt, 32 bytes. */
export async function hkdf(ikm: Uint8Array, info: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = await subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8.encode(info) }, key, 256);
  return new Uint8Array(bits);
}

/** The message key at `index` and the chain key after it, from the chain key at `from`. */
export async function messageKeyAt(chainKey: Uint8Array, from: number, index: number): Promise<{ messageKey: Uint8Array<ArrayBuffer>; next: Uint8Array<ArrayBuffer> }> {
  if (index < from) throw new DecryptError("index before the chain state");
  let ck = chainKey;
  for (let i = from; i < index; i++) ck = await hkdf(ck, "next");
  return { messageKey: await hkdf(ck, "msg"), next: await hkdf(ck, "next") };
}

export async function generateDeviceKeys(extractable = false): Promise<{ identity: CryptoKeyPair; agreement: CryptoKeyPair }> {
  // Private keys non-extractable: they can be kept in IndexedDB and used, never read out.
  const identity = (await subtle.generateKey(ECDSA, extractable, ["sign", "verify"])) as CryptoKeyPair;
  const agreement = (await subtle.generateKey(ECDH, extractable, ["deriveBits"])) as CryptoKeyPair;
  return { identity, agreement };
}

export async function publicJwk(key: CryptoKey): Promise<PublicJwk> {
  const jwk = await subtle.exportKey("jwk", key);
  return { kty: "EC", crv: "P-256", x: jwk.x!, y: jwk.y! };
}

export function importIdentityPublic(jwk: PublicJwk): Promise<CryptoKey> {
  return subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true }, ECDSA, true, ["verify"]);
}

export function importAgreementPublic(jwk: PublicJwk): Promise<CryptoKey> {
  return subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true }, ECDH, true, []);
}

/** Imports private JWKs (the vectors' fixed keys); a device makes its own with generateDeviceKeys. */
export async function importPrivate(identity: JsonWebKey, agreement: JsonWebKey, extractable = false) {
  return {
    identity: await subtle.importKey("jwk", identity, ECDSA, extractable, ["sign"]),
    agreement: await subtle.importKey("jwk", agreement, ECDH, extractable, ["deriveBits"]),
  };
}

async function sign(key: CryptoKey, text: string): Promise<string> {
  return b64u(new Uint8Array(await subtle.sign(SIGN, key, utf8.encode(text))));
}

async function verify(jwk: PublicJwk, signature: string, text: string): Promise<boolean> {
  try {
    const sig = fromB64u(signature);
    return sig.length === 64 && (await subtle.verify(SIGN, await importIdentityPublic(jwk), sig, utf8.encode(text)));
  } catch {
    return false;
  }
}

export const deviceText = (userId: string, deviceId: string, agreement: PublicJwk) =>
  `petitchat/device/v1\n${userId}\n${deviceId}\n${agreement.x}\n${agreement.y}`;

export function signDevice(userId: string, deviceId: string, identityPrivate: CryptoKey, agreement: PublicJwk): Promise<string> {
  return sign(identityPrivate, deviceText(userId, deviceId, agreement));
}

export function verifyDevice(userId: string, device: { deviceId: string; identityKey: PublicJwk; agreementKey: PublicJwk; signature: string }) {
  return verify(device.identityKey, device.signature, deviceText(userId, device.deviceId, device.agreementKey));
}

export const messageHeader = (chatId: string, senderId: string, senderDeviceId: string, chainId: string, index: number) =>
  `petitchat/msg/v1\n${chatId}\n${senderId}\n${senderDeviceId}\n${chainId}\n${index}`;

async function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function aesEncrypt(raw: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource, additionalData: utf8.encode(aad) }, await aesKey(raw), plaintext as BufferSource));
}

export async function aesDecrypt(raw: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: iv as BufferSource, additionalData: utf8.encode(aad) }, await aesKey(raw), ciphertext as BufferSource));
  } catch {
    throw new DecryptError("the ciphertext was changed or the key is wrong");
  }
}

export interface SealInput {
  chatId: string;
  senderId: string;
  senderDeviceId: string;
  identityPrivate: CryptoKey;
  chainId: string;
  index: number;
  messageKey: Uint8Array;
  plaintext: Uint8Array;
  iv?: Uint8Array;
}

export async function sealMessage(input: SealInput): Promise<EncryptedPayload> {
  const iv = input.iv ?? randomBytes(12);
  const header = messageHeader(input.chatId, input.senderId, input.senderDeviceId, input.chainId, input.index);
  const ciphertext = b64u(await aesEncrypt(input.messageKey, iv, input.plaintext, header));
  const ivText = b64u(iv);
  const signature = await sign(input.identityPrivate, `${header}\n${ivText}\n${ciphertext}`);
  return { v: 1, senderDeviceId: input.senderDeviceId, chainId: input.chainId, index: input.index, iv: ivText, ciphertext, signature };
}

/** Checks the signature first (a forged message is refused before any decryption), then opens. */
export async function openMessage(chatId: string, senderId: string, payload: EncryptedPayload, senderIdentity: PublicJwk, messageKey: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (payload.v !== 1) throw new DecryptError("unknown version");
  const header = messageHeader(chatId, senderId, payload.senderDeviceId, payload.chainId, payload.index);
  if (!(await verify(senderIdentity, payload.signature, `${header}\n${payload.iv}\n${payload.ciphertext}`))) {
    throw new DecryptError("bad signature");
  }
  return aesDecrypt(messageKey, fromB64u(payload.iv), fromB64u(payload.ciphertext), header);
}

export const shareInfo = (senderId: string, senderDeviceId: string, recipientId: string, recipientDeviceId: string) =>
  `petitchat/share/v1\n${senderId}\n${senderDeviceId}\n${recipientId}\n${recipientDeviceId}`;

/** The pairwise key: ECDH P-256 (the x coordinate), then HKDF bound to both devices. */
export async function pairwiseKey(agreementPrivate: CryptoKey, otherAgreement: PublicJwk, info: string): Promise<Uint8Array<ArrayBuffer>> {
  const z = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: await importAgreementPublic(otherAgreement) }, agreementPrivate, 256));
  return hkdf(z, info);
}

export interface ShareParties {
  senderId: string;
  senderDeviceId: string;
  recipientId: string;
  recipientDeviceId: string;
}

export async function sealShare(
  parties: ShareParties,
  identityPrivate: CryptoKey,
  agreementPrivate: CryptoKey,
  recipientAgreement: PublicJwk,
  state: ChainState,
  iv: Uint8Array = randomBytes(12),
): Promise<ShareEnvelope> {
  const info = shareInfo(parties.senderId, parties.senderDeviceId, parties.recipientId, parties.recipientDeviceId);
  const key = await pairwiseKey(agreementPrivate, recipientAgreement, info);
  const plaintext = utf8.encode(JSON.stringify({ chatId: state.chatId, chainId: state.chainId, index: state.index, chainKey: state.chainKey }));
  const ciphertext = b64u(await aesEncrypt(key, iv, plaintext, info));
  const ivText = b64u(iv);
  return { v: 1, senderDeviceId: parties.senderDeviceId, iv: ivText, ciphertext, signature: await sign(identityPrivate, `${info}\n${ivText}\n${ciphertext}`) };
}

export async function openShare(
  parties: ShareParties,
  envelope: ShareEnvelope,
  senderIdentity: PublicJwk,
  senderAgreement: PublicJwk,
  agreementPrivate: CryptoKey,
): Promise<ChainState> {
  if (envelope.v !== 1 || envelope.senderDeviceId !== parties.senderDeviceId) throw new DecryptError("unknown share");
  const info = shareInfo(parties.senderId, parties.senderDeviceId, parties.recipientId, parties.recipientDeviceId);
  if (!(await verify(senderIdentity, envelope.signature, `${info}\n${envelope.iv}\n${envelope.ciphertext}`))) {
    throw new DecryptError("bad share signature");
  }
  const key = await pairwiseKey(agreementPrivate, senderAgreement, info);
  const state = JSON.parse(new TextDecoder().decode(await aesDecrypt(key, fromB64u(envelope.iv), fromB64u(envelope.ciphertext), info))) as ChainState;
  if (typeof state.chatId !== "string" || typeof state.chainId !== "string" || !Number.isInteger(state.index) || state.index < 0 || fromB64u(state.chainKey).length !== 32) {
    throw new DecryptError("malformed share");
  }
  return state;
}

/**
 * Safety number of two users (60 digits in 12 groups of 5), the same on both sides: for each
 * user, SHA-256 over "petitchat/safety/v1", the user id and their devices' identity keys
 * (sorted); the two in user id order; 30 bytes of each as six 5-byte numbers mod 100000.
 */
export async function safetyNumber(a: { userId: string; identityKeys: PublicJwk[] }, b: { userId: string; identityKeys: PublicJwk[] }): Promise<string> {
  const [first, second] = [a, b].sort((x, y) => (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
  const groups: string[] = [];
  for (const side of [first, second]) {
    const keys = side.identityKeys.map((k) => `${k.x}.${k.y}`).sort();
    const hash = new Uint8Array(await subtle.digest("SHA-256", utf8.encode(["petitchat/safety/v1", side.userId, ...keys].join("\n"))));
    for (let chunk = 0; chunk < 6; chunk++) {
      let value = 0;
      for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i];
      groups.push(String(value % 100000).padStart(5, "0"));
    }
  }
  return groups.join(" ");
}
