// Attachments of encrypted chats (docs/e2ee.md, "plaintext"): each file is sealed under its own
// random AES-256-GCM key with an empty AAD and uploaded as opaque bytes; the key, iv, the hash of
// the uploaded bytes and the real name and type travel inside the sealed message only.
import { aesDecrypt, aesEncrypt, b64u, DecryptError, fromB64u, randomBytes } from "./crypto";

export interface SealedFile {
  /** The uploaded (encrypted) file's id on the server. */
  id: string;
  key: string;
  iv: string;
  /** SHA-256 of the uploaded bytes, checked before they are opened. */
  hash: string;
  name: string;
  type: string;
  size: number;
}

/** What the server is told of a sealed file: no name, no type. */
export const opaqueName = "encrypted.bin";

async function sha256(bytes: Uint8Array): Promise<string> {
  return b64u(new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes as BufferSource)));
}

/** Seals a file's bytes; `id` is filled in once the upload answers. */
export async function sealFile(bytes: Uint8Array, name: string, type: string): Promise<{ ciphertext: Uint8Array<ArrayBuffer>; file: Omit<SealedFile, "id"> }> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const ciphertext = await aesEncrypt(key, iv, bytes, "");
  return { ciphertext, file: { key: b64u(key), iv: b64u(iv), hash: await sha256(ciphertext), name, type, size: bytes.length } };
}

/** Opens downloaded bytes, refusing any the server changed. */
export async function openFile(ciphertext: Uint8Array, file: SealedFile): Promise<Uint8Array<ArrayBuffer>> {
  if ((await sha256(ciphertext)) !== file.hash) throw new DecryptError("the file's bytes were changed");
  return aesDecrypt(fromB64u(file.key), fromB64u(file.iv), ciphertext, "");
}

/** The files list of an opened message, keeping only well-formed entries (a sender could put anything there). */
export function sealedFiles(value: unknown, max = 20): SealedFile[] {
  if (!Array.isArray(value)) return [];
  const text = (v: unknown, limit: number) => typeof v === "string" && v.length > 0 && v.length <= limit;
  return value
    .filter((f): f is SealedFile =>
      typeof f === "object" && f !== null && text(f.id, 64) && text(f.key, 64) && text(f.iv, 32) && text(f.hash, 64)
      && text(f.name, 255) && typeof f.type === "string" && f.type.length <= 255 && Number.isInteger(f.size) && f.size >= 0)
    .slice(0, max)
    .map((f) => ({ id: f.id, key: f.key, iv: f.iv, hash: f.hash, name: f.name, type: f.type, size: f.size }));
}
