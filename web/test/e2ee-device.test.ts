import { describe, expect, it } from "vitest";
import type { Api } from "../src/api";
import { DecryptError } from "../src/e2ee/crypto";
import { E2eeDevice } from "../src/e2ee/device";
import { openFile, sealedFiles, sealFile } from "../src/e2ee/files";
import { MemoryKeyValue } from "../src/e2ee/session";
import { describeChange, fingerprints, interleave, keyChange, safetyLines, type KeyWarning } from "../src/e2ee/trust";
import type { DeviceInfo, DeviceMessage, Signal } from "../src/types";

// The server's part is the e2e test's (web/e2e/e2ee.test.mjs, against the real server); here the
// device's own keeping is checked: what a reload finds in the store, and trust on first use.
// `Directory` answers the five device calls as docs/api.md says, in memory.
class Directory {
  devices = new Map<string, DeviceInfo[]>();
  inbox: DeviceMessage[] = [];
  acked: string[] = [];
  private next = 0;

  api(userId: string): Api {
    const self = this;
    return {
      async putDevice(deviceId: string, body: Omit<DeviceInfo, "userId" | "deviceId" | "createdAt">) {
        const list = self.devices.get(userId) ?? [];
        const device = { ...body, userId, deviceId, createdAt: new Date().toISOString() };
        if (!list.some((d) => d.deviceId === deviceId)) self.devices.set(userId, [...list, device]);
        return device;
      },
      async devices(id: string) {
        return { items: self.devices.get(id) ?? [] };
      },
      async sendDeviceMessages(senderDeviceId: string, messages: { userId: string; deviceId: string; type: string; content: unknown }[]) {
        for (const m of messages) {
          self.inbox.push({ id: String(self.next++), userId: m.userId, deviceId: m.deviceId, senderId: userId, senderDeviceId, type: m.type,
            content: m.content as DeviceMessage["content"], createdAt: new Date().toISOString() });
        }
        return {};
      },
      async deviceMessages(deviceId: string) {
        return { items: self.inbox.filter((m) => m.deviceId === deviceId && !self.acked.includes(m.id)), nextCursor: null };
      },
      async ackDeviceMessages(_deviceId: string, ids: string[]) {
        self.acked.push(...ids);
      },
    } as unknown as Api;
  }
}

const signal = (id: string, chatId: string, senderId: string, encrypted: Signal["encrypted"]): Signal => ({
  id, chatId, kind: "message", senderId, text: null, clientId: null, createdAt: new Date().toISOString(), memberId: null, callUrl: null,
  reactions: [], encrypted,
});

describe("a browser's e2ee device and its stored chains", () => {
  it("keeps its device and chains in the store, so that a reload reads what was sealed before", async () => {
    const dir = new Directory();
    const aliceStore = new MemoryKeyValue();
    const bobStore = new MemoryKeyValue();
    const alice = await E2eeDevice.start(dir.api("alice"), "alice", aliceStore);
    const bob = await E2eeDevice.start(dir.api("bob"), "bob", bobStore);

    const payload = await alice.seal("chat-1", ["alice", "bob"], "hello bob");
    expect(await bob.drain()).toEqual(["chat-1"]);
    const sealed = signal("s1", "chat-1", "alice", payload);
    expect((await bob.open(sealed)).text).toBe("hello bob");

    // A reload: the same stores, new objects. Same device (no new registration), same chains.
    const bobAgain = await E2eeDevice.start(dir.api("bob"), "bob", bobStore);
    const aliceAgain = await E2eeDevice.start(dir.api("alice"), "alice", aliceStore);
    expect(bobAgain.deviceId).toBe(bob.deviceId);
    expect(dir.devices.get("bob")).toHaveLength(1);
    expect((await bobAgain.open(sealed)).text).toBe("hello bob");
    expect((await aliceAgain.open(sealed)).text).toBe("hello bob");

    // The chain goes on where it was: no new share, the next index opens too.
    const shares = dir.inbox.length;
    const second = await aliceAgain.seal("chat-1", ["alice", "bob"], "still here");
    expect(dir.inbox.length).toBe(shares);
    expect(second.index).toBe(payload.index + 1);
    expect((await bobAgain.open(signal("s2", "chat-1", "alice", second))).text).toBe("still here");
  });

  it("marks what a new device cannot open, and opens what is sealed after it joined", async () => {
    const dir = new Directory();
    const alice = await E2eeDevice.start(dir.api("alice"), "alice", new MemoryKeyValue());
    await E2eeDevice.start(dir.api("bob"), "bob", new MemoryKeyValue());
    const before = await alice.seal("chat-1", ["alice", "bob"], "before");

    const bobNew = await E2eeDevice.start(dir.api("bob"), "bob", new MemoryKeyValue());
    await alice.forget("bob");
    await bobNew.drain();
    const old = await bobNew.open(signal("s1", "chat-1", "alice", before));
    expect(old).toMatchObject({ text: null, undecryptable: true });

    const after = await alice.seal("chat-1", ["alice", "bob"], "after");
    await bobNew.drain();
    expect((await bobNew.open(signal("s2", "chat-1", "alice", after))).text).toBe("after");
  });

  it("tells of a changed device list once, after the first sight of it", async () => {
    const dir = new Directory();
    const alice = await E2eeDevice.start(dir.api("alice"), "alice", new MemoryKeyValue());
    const changes: { userId: string; added: number; removed: number }[] = [];
    alice.onKeyChange = (userId, change) => changes.push({ userId, ...change });
    await E2eeDevice.start(dir.api("bob"), "bob", new MemoryKeyValue());
    await alice.devicesOf("bob");
    await alice.forget("bob");
    expect(changes).toEqual([]);

    await E2eeDevice.start(dir.api("bob"), "bob", new MemoryKeyValue());
    await alice.forget("bob");
    await alice.forget("bob");
    expect(changes).toEqual([{ userId: "bob", added: 1, removed: 0 }]);
  });

  it("marks a contact verified at one safety number, and loses the mark when their devices change", async () => {
    const dir = new Directory();
    const store = new MemoryKeyValue();
    const alice = await E2eeDevice.start(dir.api("alice"), "alice", store);
    await E2eeDevice.start(dir.api("bob"), "bob", new MemoryKeyValue());
    const first = await alice.safety("bob");
    expect(first.verified).toBe(false);

    await alice.setVerified("bob", first.number);
    expect((await alice.safety("bob")).verified).toBe(true);
    const again = await E2eeDevice.start(dir.api("alice"), "alice", store);
    expect((await again.safety("bob")).verified).toBe(true);

    await E2eeDevice.start(dir.api("bob"), "bob", new MemoryKeyValue());
    await again.forget("bob");
    const changed = await again.safety("bob");
    expect(changed.number).not.toBe(first.number);
    expect(changed.verified).toBe(false);

    await again.setVerified("bob", changed.number);
    await again.setVerified("bob", null);
    expect((await again.safety("bob")).verified).toBe(false);
  });

  it("keeps a chat's key warnings for the next load", async () => {
    const dir = new Directory();
    const store = new MemoryKeyValue();
    const alice = await E2eeDevice.start(dir.api("alice"), "alice", store);
    await alice.warn({ id: "w1", chatId: "chat-1", userId: "bob", at: "2026-01-01T10:00:00Z", added: 1, removed: 0 });
    const again = await E2eeDevice.start(dir.api("alice"), "alice", store);
    expect((await again.warnings("chat-1")).map((w) => w.id)).toEqual(["w1"]);
    expect(await again.warnings("chat-2")).toEqual([]);
  });
});

describe("trust on first use and safety numbers", () => {
  const key = (x: string) => ({ kty: "EC" as const, crv: "P-256" as const, x, y: `${x}y` });

  it("sees no change on first sight, and counts devices added and removed", () => {
    const one = fingerprints([{ deviceId: "d1", identityKey: key("a") }]);
    const two = fingerprints([{ deviceId: "d2", identityKey: key("b") }, { deviceId: "d1", identityKey: key("a") }]);
    expect(keyChange(undefined, one)).toBeNull();
    expect(keyChange(one, [...one])).toBeNull();
    expect(keyChange(one, two)).toEqual({ added: 1, removed: 0 });
    expect(keyChange(two, fingerprints([{ deviceId: "d1", identityKey: key("z") }]))).toEqual({ added: 1, removed: 2 });
  });

  it("writes a safety number as three lines of four groups", () => {
    const number = "11111 22222 33333 44444 55555 66666 77777 88888 99999 00000 12345 67890";
    expect(safetyLines(number)).toEqual(["11111 22222 33333 44444", "55555 66666 77777 88888", "99999 00000 12345 67890"]);
  });

  it("says whose keys changed and how", () => {
    expect(describeChange("Bob", { added: 1, removed: 0 })).toMatch(/^Bob's security keys changed \(a new device\)/);
    expect(describeChange("You", { added: 2, removed: 1 })).toMatch(/^Your security keys changed \(2 new devices, a device removed\)/);
  });

  it("places each warning before the first message after it, the rest at the end", () => {
    const items = [{ id: "m1", createdAt: "2026-01-01T10:00:00Z" }, { id: "m2", createdAt: "2026-01-01T12:00:00Z" }];
    const warning = (id: string, at: string): KeyWarning => ({ id, chatId: "c", userId: "u", at, added: 1, removed: 0 });
    const out = interleave(items, [warning("late", "2026-01-01T13:00:00Z"), warning("mid", "2026-01-01T11:00:00Z")]);
    expect(out.map((e) => ("item" in e ? e.item.id : e.warning.id))).toEqual(["m1", "mid", "m2", "late"]);
  });
});

describe("sealed files", () => {
  it("opens what it sealed, and refuses bytes the server changed", async () => {
    const bytes = new TextEncoder().encode("a picture, say");
    const { ciphertext, file } = await sealFile(bytes, "map.png", "image/png");
    expect(ciphertext.length).toBe(bytes.length + 16);
    const sealed = { ...file, id: "f1" };
    expect(new TextDecoder().decode(await openFile(ciphertext, sealed))).toBe("a picture, say");
    const changed = ciphertext.slice();
    changed[0] ^= 1;
    await expect(openFile(changed, sealed)).rejects.toThrow(DecryptError);
    await expect(openFile(ciphertext, { ...sealed, hash: sealed.hash.replace(/^./, (c) => (c === "A" ? "B" : "A")) })).rejects.toThrow(DecryptError);
  });

  it("keeps only well-formed file entries of an opened message", () => {
    const good = { id: "f1", key: "k", iv: "i", hash: "h", name: "a.txt", type: "text/plain", size: 3 };
    expect(sealedFiles([good, { ...good, size: -1 }, { ...good, name: "" }, "x", null])).toEqual([good]);
    expect(sealedFiles("not a list")).toEqual([]);
  });
});
