import { describe, expect, it } from "vitest";
import { LiveStream, type EventSourceLike, type LiveState } from "../src/live";

class FakeSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners: Record<string, (event: MessageEvent) => void> = {};
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners[type] = listener;
  }
  close() {
    this.closed = true;
  }
  emit(type: string, id: string, data: unknown) {
    this.listeners[type]?.({ data: JSON.stringify(data), lastEventId: id } as MessageEvent);
  }
}

// Drives the stream's timers by hand: the test says when a retry fires, nothing sleeps.
function harness(tickets: (() => Promise<string>)[] = []) {
  const sources: FakeSource[] = [];
  const timers: (() => void)[] = [];
  const states: LiveState[] = [];
  const events: [string, unknown][] = [];
  const opened: boolean[] = [];
  let n = 0;
  const stream = new LiveStream(
    { event: (t, d) => events.push([t, d]), state: (s) => states.push(s), opened: (r) => opened.push(r) },
    {
      ticket: () => (tickets[n] ? tickets[n++]() : Promise.resolve(`t${++n}`)),
      open: (url) => {
        const s = new FakeSource(url);
        sources.push(s);
        return s;
      },
      backoff: () => 1,
      timers: { set: (fn) => timers.push(fn), clear: () => undefined },
    },
  );
  return { stream, sources, timers, states, events, opened };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("live stream", () => {
  it("opens with a ticket, goes live and hands over parsed events", async () => {
    const h = harness();
    h.stream.start();
    await flush();
    expect(h.sources[0].url).toBe("/api/v1/events?ticket=t1");
    h.sources[0].onopen!(new Event("open"));
    expect(h.states).toEqual(["connecting", "live"]);
    expect(h.opened).toEqual([false]);
    h.sources[0].emit("signal", "5-1", { id: "s" });
    expect(h.events).toEqual([["signal", { id: "s" }]]);
  });

  it("on error closes, shows reconnecting, and resumes with a new ticket from the last event id", async () => {
    const h = harness();
    h.stream.start();
    await flush();
    h.sources[0].onopen!(new Event("open"));
    h.sources[0].emit("reaction", "7-3", {});
    h.sources[0].onerror!(new Event("error"));
    expect(h.sources[0].closed).toBe(true);
    expect(h.states.at(-1)).toBe("reconnecting");
    h.timers.shift()!();
    await flush();
    expect(h.sources[1].url).toBe("/api/v1/events?ticket=t2&lastEventId=7-3");
    h.sources[1].onopen!(new Event("open"));
    expect(h.states.at(-1)).toBe("live");
    expect(h.opened).toEqual([false, true]);
  });

  it("keeps retrying while tickets cannot be had (the server is down)", async () => {
    const h = harness([() => Promise.reject(new TypeError("down")), () => Promise.reject(new TypeError("down"))]);
    h.stream.start();
    await flush();
    expect(h.states).toEqual(["connecting", "reconnecting"]);
    h.timers.shift()!();
    await flush();
    h.timers.shift()!();
    await flush();
    expect(h.sources).toHaveLength(1);
    expect(h.sources[0].url).toBe("/api/v1/events?ticket=t3");
  });

  it("ignores a closed source's late events and stops for good", async () => {
    const h = harness();
    h.stream.start();
    await flush();
    h.stream.stop();
    h.sources[0].emit("signal", "1-1", {});
    expect(h.events).toEqual([]);
    expect(h.sources[0].closed).toBe(true);
    expect(h.states.at(-1)).toBe("stopped");
  });
});
