import type { ChatClient, State } from "../client";
import type { Chat } from "../types";
import { describePresence, statusLine } from "../presence";
import { PresenceAvatar } from "./PresenceAvatar";
import { Dialog } from "./Dialog";
import { UserSearch } from "./UserSearch";

export function Members({ client, state, chat, onClose }: { client: ChatClient; state: State; chat: Chat; onClose: () => void }) {
  const me = state.me;
  const canRemoveOthers = chat.kind === "group" && (chat.createdBy === me.id || me.roles.includes("admin"));
  return (
    <Dialog title={chat.kind === "group" ? `Members of ${chat.name}` : "Members"} onClose={onClose}>
      <ul class="members">
        {chat.members.map((m) => (
          <li key={m.id}>
            <PresenceAvatar id={m.id} name={m.displayName || m.username} size={30} presence={state.users[m.id]?.presence ?? m.presence} />
            <span class="grow">
              <strong>{m.displayName || m.username}</strong> <span class="muted small">@{m.username}</span>
              <span class="muted small member-presence"> · {describePresence(state.users[m.id]?.presence ?? m.presence)}{statusLine(state.users[m.id]?.presence ?? m.presence) && ` · ${statusLine(state.users[m.id]?.presence ?? m.presence)}`}</span>
              {m.id === chat.createdBy && chat.kind === "group" && <span class="tag">creator</span>}
              {m.kind === "bot" && <span class="tag">bot</span>}
            </span>
            {chat.kind === "group" && m.id === me.id && (
              <button class="ghost small danger" onClick={() => { onClose(); void client.removeMember(chat.id, me.id); }}>Leave</button>
            )}
            {canRemoveOthers && m.id !== me.id && (
              <button class="ghost small danger" aria-label={`Remove ${m.username}`} onClick={() => void client.removeMember(chat.id, m.id)}>Remove</button>
            )}
          </li>
        ))}
      </ul>
      {chat.kind === "group" && (
        <>
          <h3>Add someone</h3>
          <UserSearch client={client} label="Add a member by username" exclude={chat.members.map((m) => m.id)} onPick={(u) => void client.addMember(chat.id, u)} />
        </>
      )}
    </Dialog>
  );
}
