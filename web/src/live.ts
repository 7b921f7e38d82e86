export type LiveState = "connecting" | "live" | "reconnecting" | "stopped";

export const liveEventTypes = [
  "signal", "reaction", "receipt", "chat", "call", "command_answer", "reset", "signal_edited", "signal_deleted", "typing", "presence", "devices", "device_message",
] as const;
export type LiveEventType = (typeof liveEventTypes)[number];

export interface LiveHandlers {
  event(type: LiveEventType, data: unknown): void;
  state(state: LiveState): void;
  /** The stream is open; `resumed` is false when events may have been missed (first open). */
  opened(resumed: boolean): void;
}

/** The part of EventSource this uses, so that tests can drive it. */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface LiveOptions {
  ticket(): Promise<string>;
  open?(url: string): EventSourceLike;
  base?: string;
  /** Delay before the n-th retry in a row (0-based). */
  backoff?(attempt: number): number;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

/**
 * The user's one live stream. A browser's EventSource retries by itself with the same URL,
 * but a ticket is good for one use, so this closes it on any error and reconnects with a new
 * ticket and the last event id seen, which makes the server replay what was missed.
 */
export class LiveStream {
  private source: EventSourceLike | null = null;
  private retry: unknown = null;
  private attempt = 0;
  private stopped = true;
  private current: LiveState = "stopped";
  lastEventId: string | null = null;

  constructor(private readonly handlers: LiveHandlers, private readonly options: LiveOptions) {}

  get state(): LiveState {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    this.source = null;
    if (this.retry !== null) this.timers.clear(this.retry);
    this.retry = null;
    this.setState("stopped");
  }

  /** Reconnect at once (the network came back, the tab became visible). */
  nudge(): void {
    if (this.stopped || this.current === "live" || this.retry === null) return;
    this.timers.clear(this.retry);
    this.retry = null;
    void this.connect();
  }

  private get timers() {
    return this.options.timers ?? { set: (fn: () => void, ms: number) => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as number) };
  }

  private async connect(): Promise<void> {
    this.setState(this.attempt === 0 && this.lastEventId === null ? "connecting" : "reconnecting");
    let ticket: string;
    try {
      ticket = await this.options.ticket();
    } catch {
      this.scheduleRetry();
      return;
    }
    if (this.stopped) return;

    const params = new URLSearchParams({ ticket });
    if (this.lastEventId) params.set("lastEventId", this.lastEventId);
    const url = `${this.options.base ?? ""}/api/v1/events?${params}`;
    const source = (this.options.open ?? ((u: string) => new EventSource(u)))(url);
    this.source = source;
    const resumed = this.lastEventId !== null;

    source.onopen = () => {
      if (this.source !== source) return;
      this.attempt = 0;
      this.setState("live");
      this.handlers.opened(resumed);
    };
    source.onerror = () => {
      if (this.source !== source) return;
      source.close();
      this.source = null;
      this.scheduleRetry();
    };
    for (const type of liveEventTypes) {
      source.addEventListener(type, (event: MessageEvent) => {
        if (this.source !== source) return;
        if (event.lastEventId) this.lastEventId = event.lastEventId;
        let data: unknown;
        try {
          data = JSON.parse(event.data as string);
        } catch {
          return;
        }
        this.handlers.event(type, data);
      });
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.setState("reconnecting");
    const delay = (this.options.backoff ?? defaultBackoff)(this.attempt++);
    this.retry = this.timers.set(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }

  private setState(state: LiveState): void {
    if (state === this.current) return;
    this.current = state;
    this.handlers.state(state);
  }
}

export function defaultBackoff(attempt: number): number {
  const base = Math.min(10_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}
