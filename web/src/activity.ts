// Telling the server that its user is here (POST /api/v1/me/activity), so that someone who reads
// and clicks around without writing is not shown "away" to their partners (docs/presence.md).
// Only the user's own input counts, while the page is visible, and at most once per interval.

/** Well under the server's Presence:AwayAfter (10 min), and few enough calls to be free. */
export const activityInterval = 60_000;

/** Input events that say a person is at the page. */
export const activityEvents = ["pointerdown", "keydown", "wheel", "touchstart"] as const;

/** Decides when an input is worth a ping: the first one, then at most one per interval. */
export class ActivityPinger {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly send: () => Promise<unknown>, private readonly interval = activityInterval) {}

  /** An input at `now` (ms); true when it sent a ping. A failed ping is tried again on the next input. */
  notice(now: number): boolean {
    if (now - this.last < this.interval) return false;
    this.last = now;
    this.send().catch(() => {
      this.last = Number.NEGATIVE_INFINITY;
    });
    return true;
  }
}

/** Pings on the user's input in `page` while it is visible; returns what stops listening. */
export function watchActivity(page: Document, pinger: ActivityPinger, now: () => number = () => Date.now()): () => void {
  const onInput = () => {
    if (page.visibilityState === "visible") pinger.notice(now());
  };
  for (const name of activityEvents) page.addEventListener(name, onInput, { capture: true, passive: true });
  return () => {
    for (const name of activityEvents) page.removeEventListener(name, onInput, { capture: true });
  };
}
