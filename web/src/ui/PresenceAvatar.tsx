import { describePresence } from "../presence";
import type { Presence } from "../types";
import { Avatar } from "./Avatar";

/** An avatar with the presence dot at its corner (none for groups). */
export function PresenceAvatar({ id, name, size = 40, presence, showDot = true }: { id: string; name: string; size?: number; presence?: Presence; showDot?: boolean }) {
  return (
    <span class="avatar-wrap">
      <Avatar id={id} name={name} size={size} />
      {showDot && <PresenceDot presence={presence} />}
    </span>
  );
}

export function PresenceDot({ presence }: { presence?: Presence }) {
  const state = presence?.state ?? "offline";
  const label = describePresence(presence);
  return <span class={`presence-dot presence-${state}`} role="img" aria-label={label} title={label} data-presence={state} />;
}
