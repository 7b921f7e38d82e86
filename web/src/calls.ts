// Calls as the client shows them: which call rings, what a call card says, the ring tone, and
// Jitsi's IFrame API loaded from the call's own domain. Pure where it can be, for the tests.
import type { Call, Chat, Me, Signal } from "./types";

/** The calls this client knows, by id, from API answers and `call` events. */
export type Calls = Record<string, Call>;

/** The newer view of a call wins; an event (no `join`) keeps the join an answer gave me. */
export function withCall(calls: Calls, call: Call): Calls {
  const known = calls[call.id];
  if (known?.endedAt && !call.endedAt) return calls; // an older event after the end
  return { ...calls, [call.id]: { ...call, join: call.join ?? known?.join ?? null } };
}

/** Who is in the call now. */
export function present(call: Call): string[] {
  return call.participants.filter((p) => p.leftAt === null).map((p) => p.userId);
}

export function isIn(call: Call, userId: string): boolean {
  return present(call).includes(userId);
}

/**
 * The call to ring for: running, started by someone else, that I am not in, have not declined
 * and am not already in another call. The newest when several ring.
 */
export function incomingCall(calls: Calls, me: string, declined: readonly string[], busyWith: string | null): Call | null {
  if (busyWith) return null;
  let ringing: Call | null = null;
  for (const call of Object.values(calls)) {
    if (call.endedAt || call.startedBy === me || isIn(call, me) || declined.includes(call.id)) continue;
    if (!ringing || call.startedAt > ringing.startedAt) ringing = call;
  }
  return ringing;
}

/** Who may end a call for everyone, as the server allows it: its starter, the chat's creator or an admin. */
export function mayEndCall(call: Call, me: Me, chat: Chat | undefined): boolean {
  return call.startedBy === me.id || chat?.createdBy === me.id || me.roles.includes("admin");
}

/** 42 → "0:42", 3723 → "1:02:03". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export interface CallCardView {
  state: "running" | "ended" | "missed" | "unknown";
  title: string;
  /** Who is in (running) or took part (ended), as user ids. */
  people: string[];
}

/**
 * What a call signal's card says. A `call_started` card follows its call (running: who is in,
 * with Join; ended: "Call ended"); a `call_ended` card says how long it lasted, or "Missed call".
 */
export function callCard(signal: Signal, call: Call | undefined, starter: string): CallCardView {
  const video = (signal.media ?? call?.media) === "video";
  const media = video ? "a video call" : "an audio call";
  if (signal.kind === "call_ended") {
    if (signal.missed) return { state: "missed", title: `Missed ${video ? "video" : "audio"} call`, people: signal.participantIds ?? [] };
    return { state: "ended", title: `Call ended · ${formatDuration(signal.durationSeconds ?? 0)}`, people: signal.participantIds ?? [] };
  }
  if (!call) return { state: "unknown", title: `${starter} started ${media}`, people: [] };
  if (call.endedAt) return { state: "ended", title: `${starter} started ${media}`, people: call.participants.map((p) => p.userId) };
  return { state: "running", title: `${starter} started ${media}`, people: present(call) };
}

/** The parts of Web Audio the ring uses, so tests can hand in a recorder. */
export interface AudioLike {
  currentTime: number;
  destination: unknown;
  createOscillator(): { frequency: { value: number }; connect(node: unknown): unknown; start(at: number): void; stop(at: number): void };
  createGain(): { gain: { value: number; setValueAtTime(v: number, at: number): unknown }; connect(node: unknown): unknown };
  close(): Promise<void>;
}

/**
 * A short ring made with Web Audio (no sound file): two tones together (440 Hz and 480 Hz, the
 * North American ring) for 0.8 s, every 3 s, until the returned stop is called.
 */
export function ring(audio: AudioLike, timers = { every: (fn: () => void, ms: number) => setInterval(fn, ms) as unknown, clear: (h: unknown) => clearInterval(h as number) }): () => void {
  const burst = () => {
    const at = audio.currentTime;
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.08, at);
    gain.gain.setValueAtTime(0, at + 0.8);
    gain.connect(audio.destination);
    for (const hz of [440, 480]) {
      const tone = audio.createOscillator();
      tone.frequency.value = hz;
      tone.connect(gain);
      tone.start(at);
      tone.stop(at + 0.8);
    }
  };
  burst();
  const handle = timers.every(burst, 3000);
  return () => {
    timers.clear(handle);
    void audio.close().catch(() => {});
  };
}

/** The constructor of Jitsi's IFrame API (https://jitsi.github.io/handbook/docs/dev-guide/dev-guide-iframe). */
export interface JitsiApi {
  addListener(event: string, listener: (...args: unknown[]) => void): void;
  executeCommand(command: string, ...args: unknown[]): void;
  dispose(): void;
}
export type JitsiApiConstructor = new (domain: string, options: Record<string, unknown>) => JitsiApi;

const loads = new Map<string, Promise<JitsiApiConstructor>>();

/** Loads `external_api.js` from the call's Jitsi domain once, and gives its constructor. */
export function loadJitsi(domain: string, doc: Document = document): Promise<JitsiApiConstructor> {
  let load = loads.get(domain);
  if (!load) {
    load = new Promise<JitsiApiConstructor>((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = `https://${domain}/external_api.js`;
      script.async = true;
      script.onload = () => {
        const api = (globalThis as { JitsiMeetExternalAPI?: JitsiApiConstructor }).JitsiMeetExternalAPI;
        if (api) resolve(api);
        else reject(new Error(`https://${domain}/external_api.js did not define JitsiMeetExternalAPI.`));
      };
      script.onerror = () => reject(new Error(`Could not load Jitsi Meet from ${domain}.`));
      doc.head.appendChild(script);
    });
    load.catch(() => loads.delete(domain));
    loads.set(domain, load);
  }
  return load;
}
