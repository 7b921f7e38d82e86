import type { User } from "../types";

/** The members matching the `@word` being typed; the composer moves `active` with the arrow keys. */
export function MentionSuggestions(props: { matches: User[]; active: number; onPick: (user: User) => void }) {
  if (props.matches.length === 0) return null;
  return (
    <ul class="suggestions mentions" role="listbox" aria-label="Mention a member" data-testid="mention-suggestions">
      {props.matches.map((user, i) => (
        <li key={user.id} role="option" aria-selected={i === props.active} class={i === props.active ? "active" : ""}
          onMouseDown={(e) => { e.preventDefault(); props.onPick(user); }}>
          <strong>@{user.username}</strong> <span class="muted small">{user.displayName}</span>
        </li>
      ))}
    </ul>
  );
}
