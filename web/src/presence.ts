// Presence in the client: keeping users current from `presence` events, and the status
// picker's choices. Pure functions, so Vitest can check them.
import type { Presence, PresenceState, User } from "./types";

/** The users with this presence on its user (a user not yet known is left alone: nothing to show it on). */
export function withPresence(users: Record<string, User>, presence: Presence): Record<string, User> {
  const user = users[presence.userId];
  if (!user) return users;
  return { ...users, [presence.userId]: { ...user, presence } };
}

/**
 * The presence events heard, in order, so that a page of chats or users loaded while one came
 * does not put back the older presence it read (the event is newer than the load's read).
 */
export class HeardPresence {
  private seq = 0;
  private readonly latest = new Map<string, { seq: number; presence: Presence }>();

  constructor(private readonly limit = 10_000) {}

  /** Taken before a load: what is heard after it wins over what the load brings. */
  mark(): number {
    return this.seq;
  }

  heard(presence: Presence): void {
    // Forgetting everything at the limit only reopens the window this closes, for one load.
    if (this.latest.size >= this.limit && !this.latest.has(presence.userId)) this.latest.clear();
    this.latest.set(presence.userId, { seq: ++this.seq, presence });
  }

  /** The user as a load begun at `since` brought it, with any presence heard since. */
  over(user: User, since: number): User {
    const live = this.latest.get(user.id);
    return live && live.seq > since ? { ...user, presence: live.presence } : user;
  }
}

export type ExpiryChoice = "never" | "30m" | "1h" | "4h" | "today";

export const expiryChoices: { value: ExpiryChoice; label: string }[] = [
  { value: "never", label: "Don't clear" },
  { value: "30m", label: "30 minutes" },
  { value: "1h", label: "1 hour" },
  { value: "4h", label: "4 hours" },
  { value: "today", label: "Today" },
];

/** When a status chosen at `now` expires: null for never, the end of the local day for "today". */
export function expiryFor(choice: ExpiryChoice, now: Date): string | null {
  const minutes = { never: 0, "30m": 30, "1h": 60, "4h": 240, today: 0 }[choice];
  if (choice === "never") return null;
  if (choice === "today") {
    const end = new Date(now);
    end.setHours(23, 59, 59, 0);
    return end.toISOString();
  }
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}

const labels: Record<PresenceState, string> = {
  online: "Online",
  away: "Away",
  offline: "Offline",
  busy: "Busy",
  dnd: "Do not disturb",
};

/** "Busy · in Microsoft 365", "Offline · last seen 10:42"... for a dot's tooltip and label. */
export function describePresence(presence: Presence | undefined, time: (iso: string) => string = (iso) => new Date(iso).toLocaleString()): string {
  if (!presence) return "Offline";
  let text = labels[presence.state];
  if (presence.source === "microsoft365") text += " (Microsoft 365)";
  if (presence.state === "offline" && presence.lastSeenAt) text += ` · last seen ${time(presence.lastSeenAt)}`;
  return text;
}

/** The status as one short line: "🍽️ Lunch". */
export function statusLine(presence: Presence | undefined): string {
  const status = presence?.status;
  if (!status) return "";
  return [status.emoji, status.text].filter(Boolean).join(" ");
}
