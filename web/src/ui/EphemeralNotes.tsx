import type { ChatClient } from "../client";

/** Apps' answers to my commands that only I see: shown under the timeline until dismissed, never stored. */
export function EphemeralNotes(props: { client: ChatClient; chatId: string; notes: { id: string; command: string; text: string }[] }) {
  if (props.notes.length === 0) return null;
  return (
    <ul class="ephemeral-notes" aria-label="Only visible to you">
      {props.notes.map((n) => (
        <li key={n.id} class="ephemeral" data-testid="ephemeral">
          <span class="muted small">/{n.command} · only you can see this</span>
          <span class="text">{n.text}</span>
          <button type="button" class="ghost small" aria-label="Dismiss" onClick={() => props.client.dismissEphemeral(props.chatId, n.id)}>Dismiss</button>
        </li>
      ))}
    </ul>
  );
}
