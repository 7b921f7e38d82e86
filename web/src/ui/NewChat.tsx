import { useState } from "preact/hooks";
import type { ChatClient } from "../client";
import type { User } from "../types";
import { Dialog } from "./Dialog";
import { EncryptedOption } from "./EncryptedOption";
import { UserSearch } from "./UserSearch";

export function NewChat(props: { client: ChatClient; onClose: () => void; onCreated: (chatId: string) => void }) {
  const [mode, setMode] = useState<"direct" | "group">("direct");
  const [name, setName] = useState("");
  const [members, setMembers] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);
  const [encrypted, setEncrypted] = useState(false);

  const direct = async (user: User) => {
    setBusy(true);
    const chat = await props.client.startDirect(user);
    setBusy(false);
    if (chat) props.onCreated(chat.id);
  };
  const group = async (e: Event) => {
    e.preventDefault();
    if (!name.trim() || members.length === 0) return;
    setBusy(true);
    const chat = await props.client.createGroup(name.trim(), members, encrypted);
    setBusy(false);
    if (chat) props.onCreated(chat.id);
  };

  return (
    <Dialog title="New chat" onClose={props.onClose}>
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected={mode === "direct"} class={mode === "direct" ? "active" : ""} onClick={() => setMode("direct")}>Direct</button>
        <button role="tab" aria-selected={mode === "group"} class={mode === "group" ? "active" : ""} onClick={() => setMode("group")}>Group</button>
      </div>
      {mode === "direct" ? (
        <>
          <p class="muted small">Find someone by username to chat with them. For an end-to-end encrypted chat, make a group (it can have just the two of you).</p>
          <UserSearch client={props.client} onPick={(u) => void direct(u)} />
        </>
      ) : (
        <form onSubmit={group} class="group-form">
          <label>
            Group name
            <input value={name} maxLength={100} placeholder="Lunch crew" onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <div class="picked">
            {members.map((m) => (
              <span class="chip" key={m.id}>
                {m.displayName || m.username}
                <button type="button" class="icon small" aria-label={`Remove ${m.username}`} onClick={() => setMembers(members.filter((x) => x.id !== m.id))}>×</button>
              </span>
            ))}
          </div>
          <UserSearch client={props.client} label="Add a member by username" exclude={members.map((m) => m.id)} onPick={(u) => setMembers([...members, u])} />
          <EncryptedOption checked={encrypted} available={props.client.e2ee !== null} onChange={setEncrypted} />
          <button class="primary wide" type="submit" disabled={busy || !name.trim() || members.length === 0}>
            Create group{members.length > 0 ? ` with ${members.length + 1} members` : ""}
          </button>
        </form>
      )}
    </Dialog>
  );
}
