import { describe, expect, it } from "vitest";
import {
  aesEncrypt,
  DecryptError,
  EncryptedPayload,
  fromB64u,
  generateDeviceKeys,
  hkdf,
  importPrivate,
  messageHeader,
  messageKeyAt,
  openMessage,
  openShare,
  pairwiseKey,
  publicJwk,
  PublicJwk,
  safetyNumber,
  sealShare,
  b64u,
  ShareEnvelope,
  signDevice,
  verifyDevice,
} from "../src/e2ee/crypto";
import { E2eeSession, LocalDevice, MemoryKeyValue, PublicDevice } from "../src/e2ee/session";
import vectors from "../../tests/vectors/e2ee.json";

// tests/vectors/e2ee.json: also read by the C# test client (PetitChat.Server.Tests/E2ee), so
// what .NET sealed and signed opens here and what WebCrypto did opens there.
const v: any = vectors;
const pub = (jwk: { x: string; y: string }): PublicJwk => ({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y });
const text = new TextDecoder();

describe("e2ee wire format against the known-answer vectors", () => {
  it("advances the chain to the vectors' message and chain keys", async () => {
    let ck = fromB64u(v.chain.chainKey);
    for (const step of v.chain.steps) {
      expect(b64u(await hkdf(ck, "msg"))).toBe(step.messageKey);
      ck = await hkdf(ck, "next");
      expect(b64u(ck)).toBe(step.nextChainKey);
    }
    const m = v.message;
    expect(b64u((await messageKeyAt(fromB64u(v.chain.chainKey), 0, m.index)).messageKey)).toBe(m.messageKey);
  });

  it("seals the vector message to its exact ciphertext", async () => {
    const m = v.message;
    const header = messageHeader(m.chatId, m.senderId, m.senderDeviceId, m.chainId, m.index);
    expect(header).toBe(m.header);
    expect(b64u(await aesEncrypt(fromB64u(m.messageKey), fromB64u(m.iv), new TextEncoder().encode(m.plaintext), header))).toBe(m.ciphertext);
  });

  it.each(["dotnet", "webcrypto"])("opens the message and the key share that %s signed", async (signer) => {
    const m = v.message;
    const signed = v.signedBy[signer];
    const plaintext = await openMessage(m.chatId, m.senderId, signed.message as EncryptedPayload, pub(v.alice.identity), fromB64u(m.messageKey));
    expect(text.decode(plaintext)).toBe(m.plaintext);

    const bob = await importPrivate(v.bob.identity, v.bob.agreement);
    expect(b64u(await pairwiseKey(bob.agreement, pub(v.alice.agreement), v.share.info))).toBe(v.share.key);
    const state = await openShare(
      { senderId: v.alice.userId, senderDeviceId: v.alice.deviceId, recipientId: v.bob.userId, recipientDeviceId: v.bob.deviceId },
      signed.share as ShareEnvelope,
      pub(v.alice.identity),
      pub(v.alice.agreement),
      bob.agreement,
    );
    expect(state).toEqual({ chatId: m.chatId, chainId: m.chainId, index: 0, chainKey: v.chain.chainKey });
    expect(
      await verifyDevice(v.alice.userId, {
        deviceId: v.alice.deviceId,
        identityKey: pub(v.alice.identity),
        agreementKey: pub(v.alice.agreement),
        signature: signed.aliceDeviceSignature,
      }),
    ).toBe(true);
  });

  it("seals the vector key share to its exact ciphertext", async () => {
    const alice = await importPrivate(v.alice.identity, v.alice.agreement);
    const envelope = await sealShare(
      { senderId: v.alice.userId, senderDeviceId: v.alice.deviceId, recipientId: v.bob.userId, recipientDeviceId: v.bob.deviceId },
      alice.identity,
      alice.agreement,
      pub(v.bob.agreement),
      { chatId: v.message.chatId, chainId: v.message.chainId, index: 0, chainKey: v.chain.chainKey },
      fromB64u(v.share.iv),
    );
    expect(envelope.ciphertext).toBe(v.share.ciphertext);
  });

  it("computes the vectors' safety number from either side", async () => {
    const a = { userId: v.alice.userId, identityKeys: [pub(v.alice.identity)] };
    const b = { userId: v.bob.userId, identityKeys: [pub(v.bob.identity)] };
    expect(await safetyNumber(a, b)).toBe(v.safetyNumber);
    expect(await safetyNumber(b, a)).toBe(v.safetyNumber);
  });
});

async function newDevice(userId: string, deviceId: string): Promise<{ local: LocalDevice; public: PublicDevice }> {
  const keys = await generateDeviceKeys();
  const agreementKey = await publicJwk(keys.agreement.publicKey);
  return {
    local: { userId, deviceId, ...keys },
    public: { userId, deviceId, identityKey: await publicJwk(keys.identity.publicKey), agreementKey, signature: await signDevice(userId, deviceId, keys.identity.privateKey, agreementKey) },
  };
}

describe("e2ee session", () => {
  async function setUp() {
    const alice = await newDevice("alice", "a1");
    const bob = await newDevice("bob", "b1");
    const directory = new Map<string, PublicDevice[]>([
      ["alice", [alice.public]],
      ["bob", [bob.public]],
    ]);
    const lookup = async (userId: string) => directory.get(userId) ?? [];
    return {
      directory,
      alice: new E2eeSession(alice.local, lookup, new MemoryKeyValue()),
      bob: new E2eeSession(bob.local, lookup, new MemoryKeyValue()),
    };
  }

  it("shares a chain once, then each message opens for the other device and for the sender", async () => {
    const { alice, bob } = await setUp();
    const first = await alice.encrypt("chat", ["alice", "bob"], new TextEncoder().encode("hello"));
    const second = await alice.encrypt("chat", ["alice", "bob"], new TextEncoder().encode("again"));
    expect(first.shares).toHaveLength(1);
    expect(second.shares).toHaveLength(0);
    await bob.receiveShare("alice", first.shares[0].content);

    expect(text.decode(await bob.decrypt("chat", { id: "s2", senderId: "alice", encrypted: second.payload }))).toBe("again");
    expect(text.decode(await bob.decrypt("chat", { id: "s1", senderId: "alice", encrypted: first.payload }))).toBe("hello");
    expect(text.decode(await alice.decrypt("chat", { id: "s1", senderId: "alice", encrypted: first.payload }))).toBe("hello");
  });

  it("refuses a flipped bit, a replayed index, a wrong signature and a share from an unlisted device", async () => {
    const { alice, bob, directory } = await setUp();
    const sent = await alice.encrypt("chat", ["alice", "bob"], new TextEncoder().encode("hi"));
    await bob.receiveShare("alice", sent.shares[0].content);

    const flipped = fromB64u(sent.payload.ciphertext);
    flipped[0] ^= 1;
    await expect(bob.decrypt("chat", { id: "s1", senderId: "alice", encrypted: { ...sent.payload, ciphertext: b64u(flipped) } })).rejects.toBeInstanceOf(DecryptError);
    const other = await alice.encrypt("chat", ["alice", "bob"], new TextEncoder().encode("other"));
    await expect(bob.decrypt("chat", { id: "s1", senderId: "alice", encrypted: { ...sent.payload, signature: other.payload.signature } })).rejects.toThrow("bad signature");
    await bob.decrypt("chat", { id: "s1", senderId: "alice", encrypted: sent.payload });
    await expect(bob.decrypt("chat", { id: "s9", senderId: "alice", encrypted: sent.payload })).rejects.toThrow("replayed index");
    await expect(bob.decrypt("other-chat", { id: "s1", senderId: "alice", encrypted: sent.payload })).rejects.toBeInstanceOf(DecryptError);

    const mallory = await newDevice("alice", "rogue");
    const forged = await new E2eeSession(mallory.local, async (u) => (u === "alice" ? [mallory.public] : directory.get(u) ?? []), new MemoryKeyValue())
      .encrypt("chat", ["bob"], new TextEncoder().encode("trust me"));
    await expect(bob.receiveShare("alice", forged.shares[0].content)).rejects.toThrow("not on the sender's list");
  });

  it("starts a new chain when a member leaves, which the removed device cannot open", async () => {
    const { alice, bob, directory } = await setUp();
    const carolDevice = await newDevice("carol", "c1");
    directory.set("carol", [carolDevice.public]);
    const carol = new E2eeSession(carolDevice.local, async (u) => directory.get(u) ?? [], new MemoryKeyValue());
    const before = await alice.encrypt("chat", ["alice", "bob", "carol"], new TextEncoder().encode("all"));
    for (const share of before.shares) await (share.userId === "bob" ? bob : carol).receiveShare("alice", share.content);

    const after = await alice.encrypt("chat", ["alice", "bob"], new TextEncoder().encode("without carol"));

    expect(after.payload.chainId).not.toBe(before.payload.chainId);
    expect(after.shares.map((s) => s.userId)).toEqual(["bob"]);
    await bob.receiveShare("alice", after.shares[0].content);
    expect(text.decode(await bob.decrypt("chat", { id: "s2", senderId: "alice", encrypted: after.payload }))).toBe("without carol");
    await expect(carol.decrypt("chat", { id: "s2", senderId: "alice", encrypted: after.payload })).rejects.toBeInstanceOf(DecryptError);
  });
});
