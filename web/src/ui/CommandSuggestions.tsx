import { useEffect, useState } from "preact/hooks";
import { suggestCommands, type Command } from "../apps";
import type { ChatClient } from "../client";

/** While the message is `/` and a command's first letters, the chat's commands that match; a click picks one. */
export function CommandSuggestions(props: { client: ChatClient; chatId: string; text: string; onPick: (name: string) => void }) {
  const [commands, setCommands] = useState<Command[] | null>(null);
  const typing = props.text.startsWith("/");
  useEffect(() => setCommands(null), [props.chatId]);
  useEffect(() => {
    if (typing && commands === null) void props.client.commands(props.chatId).then(setCommands);
  }, [typing, commands, props.chatId]);

  const matches = suggestCommands(commands ?? [], props.text);
  if (matches.length === 0) return null;
  return (
    <ul class="command-suggestions" role="listbox" aria-label="Commands">
      {matches.map((c) => (
        <li key={`${c.app ?? ""}/${c.name}`} role="option" aria-selected="false">
          <button type="button" class="ghost" onClick={() => props.onPick(c.name)}>
            <strong>/{c.name}</strong> <span class="muted small">{c.description}</span>
            {c.app && <span class="tag">{c.app}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
