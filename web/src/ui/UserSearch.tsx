import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import type { User } from "../types";
import { PresenceAvatar } from "./PresenceAvatar";
import { statusLine } from "../presence";

/** Find people by the start of their username; `exclude` hides those already picked. */
export function UserSearch(props: { client: ChatClient; onPick: (user: User) => void; exclude?: string[]; label?: string }) {
  const [prefix, setPrefix] = useState("");
  const [found, setFound] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const wanted = prefix.trim();
    if (!wanted) {
      setFound([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      props.client.findUsers(wanted).then(
        (users) => current && (setFound(users), setError(null)),
        (e: Error) => current && setError(e.message),
      );
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [prefix]);

  const shown = found.filter((u) => u.id !== props.client.state.me.id && !props.exclude?.includes(u.id));
  return (
    <div class="user-search">
      <input
        type="search"
        placeholder="Username"
        aria-label={props.label ?? "Find a user by username"}
        value={prefix}
        onInput={(e) => setPrefix((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && shown.length > 0) {
            e.preventDefault();
            props.onPick(shown[0]);
            setPrefix("");
          }
        }}
      />
      {error && <p class="error small">{error}</p>}
      {prefix.trim() && shown.length === 0 && !error && <p class="muted small">Nobody with a username starting with “{prefix.trim()}”.</p>}
      <ul class="user-results">
        {shown.map((user) => (
          <li key={user.id}>
            <button class="user-row" onClick={() => { props.onPick(user); setPrefix(""); }}>
              <PresenceAvatar id={user.id} name={user.displayName || user.username} size={30} presence={user.presence} showDot={user.kind !== "bot"} />
              <span>
                <strong>{user.displayName || user.username}</strong> <span class="muted small">@{user.username}</span>
                {user.presence?.status && <span class="muted small"> · {statusLine(user.presence)}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
