import { describe, expect, it } from "vitest";
import { callCard, formatDuration, incomingCall, mayEndCall, ring, withCall, type AudioLike } from "../src/calls";
import type { Call, Chat, Me, Signal } from "../src/types";

const alice = "a0000000-0000-7000-8000-000000000001";
const bob = "b0000000-0000-7000-8000-000000000002";

function call(patch: Partial<Call> = {}): Call {
  return {
    id: "c1", chatId: "chat1", room: "petitchat-room", media: "video", startedBy: alice, startedAt: "2026-11-30T09:00:00Z",
    endedAt: null, participants: [{ userId: alice, joinedAt: "2026-11-30T09:00:00Z", leftAt: null }], join: null, ...patch,
  };
}

function signal(patch: Partial<Signal>): Signal {
  return {
    id: "s1", chatId: "chat1", kind: "call_started", senderId: alice, text: null, clientId: null, createdAt: "2026-11-30T09:00:00Z",
    memberId: null, callUrl: null, reactions: [], callId: "c1", ...patch,
  };
}

describe("calls", () => {
  it("rings for a running call someone else started, until I join, decline or it ends", () => {
    const calls = withCall({}, call());
    expect(incomingCall(calls, bob, [], null)?.id).toBe("c1");
    expect(incomingCall(calls, alice, [], null)).toBeNull();
    expect(incomingCall(calls, bob, ["c1"], null)).toBeNull();
    expect(incomingCall(calls, bob, [], "other-call")).toBeNull();
    const joined = withCall(calls, call({ participants: [...call().participants, { userId: bob, joinedAt: "2026-11-30T09:00:05Z", leftAt: null }] }));
    expect(incomingCall(joined, bob, [], null)).toBeNull();
    expect(incomingCall(withCall(calls, call({ endedAt: "2026-11-30T09:01:00Z" })), bob, [], null)).toBeNull();
  });

  it("keeps my join when an event updates the call, and ignores a running view after the end", () => {
    const join = { url: "https://meet/x", domain: "meet", room: "petitchat-room", jwt: "t" };
    let calls = withCall({}, call({ join }));
    calls = withCall(calls, call());
    expect(calls.c1.join).toEqual(join);
    calls = withCall(calls, call({ endedAt: "2026-11-30T09:01:00Z" }));
    expect(withCall(calls, call()).c1.endedAt).toBe("2026-11-30T09:01:00Z");
  });

  it("says who is in a running call, how long an ended one lasted, and missed when nobody answered", () => {
    const running = call({ participants: [{ userId: alice, joinedAt: "x", leftAt: null }, { userId: bob, joinedAt: "y", leftAt: "z" }] });
    expect(callCard(signal({}), running, "Alice")).toEqual({ state: "running", title: "Alice started a video call", people: [alice] });
    expect(callCard(signal({}), undefined, "Alice").state).toBe("unknown");
    expect(callCard(signal({}), call({ endedAt: "2026-11-30T09:01:00Z" }), "Alice").state).toBe("ended");
    const ended = signal({ kind: "call_ended", durationSeconds: 3723, participantIds: [alice, bob], missed: false, media: "audio" });
    expect(callCard(ended, undefined, "Alice")).toEqual({ state: "ended", title: "Call ended · 1:02:03", people: [alice, bob] });
    expect(callCard(signal({ kind: "call_ended", durationSeconds: 60, participantIds: [alice], missed: true, media: "audio" }), undefined, "Alice").title)
      .toBe("Missed audio call");
  });

  it("formats durations like a clock", () => {
    expect([0, 42, 60, 599, 3600].map(formatDuration)).toEqual(["0:00", "0:42", "1:00", "9:59", "1:00:00"]);
  });

  it("rings with two tones in bursts until stopped, then closes the audio", () => {
    const started: [number, number][] = [];
    let closed = false;
    const audio: AudioLike = {
      currentTime: 5,
      destination: {},
      createOscillator: () => {
        const tone = { frequency: { value: 0 }, connect: () => tone, start: (at: number) => started.push([tone.frequency.value, at]), stop: () => {} };
        return tone;
      },
      createGain: () => ({ gain: { value: 1, setValueAtTime: () => {} }, connect: () => ({}) }),
      close: async () => {
        closed = true;
      },
    };
    let tick: (() => void) | null = null;
    let cleared = false;
    const stop = ring(audio, { every: (fn) => (tick = fn), clear: () => (cleared = true) });
    audio.currentTime = 8;
    tick!();
    expect(started).toEqual([[440, 5], [480, 5], [440, 8], [480, 8]]);
    stop();
    expect(cleared && closed).toBe(true);
  });

  it("offers End for everyone to the call's starter, the chat's creator and an admin only", () => {
    const carol = "c0000000-0000-7000-8000-000000000003";
    const me = (id: string, roles: string[] = ["user"]): Me => ({ id, username: id, displayName: id, roles, createdAt: "2026-11-30T08:00:00Z" });
    const chat = { id: "chat1", kind: "group", name: "Team", createdBy: carol } as Chat;
    const bobs = call({ startedBy: bob });
    expect(mayEndCall(bobs, me(bob), chat)).toBe(true);
    expect(mayEndCall(bobs, me(carol), chat)).toBe(true);
    expect(mayEndCall(bobs, me(alice, ["user", "admin"]), chat)).toBe(true);
    expect(mayEndCall(bobs, me(alice), chat)).toBe(false);
    expect(mayEndCall(bobs, me(alice), undefined)).toBe(false);
  });
});
