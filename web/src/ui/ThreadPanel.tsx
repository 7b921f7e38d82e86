import { useRef, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { clockTime } from "../format";
import { mentionParts } from "../mentions";
import { replyLabel, type OpenThread } from "../threads";
import type { Signal } from "../types";
import { Icon } from "./Icon";
import { MentionSuggestions } from "./MentionSuggestions";
import { useMentionAutocomplete } from "./useMentionAutocomplete";

function ThreadMessage(props: { client: ChatClient; signal: Signal }) {
  const { client, signal } = props;
  const usernames = (client.state.chats.find((c) => c.id === signal.chatId)?.members ?? []).map((m) => m.username);
  return (
    <li class={`thread-msg ${signal.senderId === client.state.me.id ? "mine" : "theirs"}`} data-signal-id={signal.id}>
      <strong>{client.userName(signal.senderId)}</strong> <span class="muted small">{clockTime(signal.createdAt)}</span>
      <div class="text">
        {signal.deletedAt ? <em class="muted">Message deleted</em> : mentionParts(signal.text ?? "", usernames).map((part, i) =>
          part.mention ? <span key={i} class="mention-text" data-testid="mention">{part.text}</span> : part.text)}
      </div>
    </li>
  );
}

/**
 * A thread beside the conversation: the root, its replies (live), and a composer that replies in
 * it. On a narrow screen it takes the conversation's place, with a back button.
 */
export function ThreadPanel(props: { client: ChatClient; thread: OpenThread }) {
  const { client, thread } = props;
  const [draft, setDraft] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const members = client.state.chats.find((c) => c.id === thread.chatId)?.members ?? [];
  const mentions = useMentionAutocomplete({ members, meId: client.state.me.id, text: draft, setText: setDraft, input });
  const count = thread.root.thread?.replyCount ?? thread.replies.length;
  const submit = async () => {
    if (await client.sendInThread(draft)) setDraft("");
  };
  return (
    <aside class="thread-panel" aria-label="Thread" data-testid="thread-panel">
      <header class="thread-head">
        <button class="icon" aria-label="Close thread" title="Back to the conversation" onClick={() => client.closeThread()}><Icon name="back" size={20} /></button>
        <h3>Thread</h3>
        <span class="muted small" data-testid="thread-count">{replyLabel(count)}</span>
      </header>
      <ol class="thread-list">
        <ThreadMessage client={client} signal={thread.root} />
        {thread.loading && <li class="muted small">Loading…</li>}
        {thread.replies.map((reply) => <ThreadMessage key={reply.id} client={client} signal={reply} />)}
      </ol>
      <form class="thread-composer" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <MentionSuggestions matches={mentions.matches} active={mentions.active} onPick={mentions.pick} />
        <textarea
          ref={input}
          aria-label="Reply in thread"
          placeholder="Reply in thread…"
          rows={2}
          value={draft}
          onInput={(e) => { const el = e.currentTarget as HTMLTextAreaElement; setDraft(el.value); mentions.track(el); }}
          onKeyUp={(e) => mentions.track(e.currentTarget as HTMLTextAreaElement)}
          onKeyDown={(e) => {
            if (mentions.onKeyDown(e)) return;
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); void submit(); }
          }}
        />
        <button type="submit" class="primary" disabled={!draft.trim()}>Reply</button>
      </form>
    </aside>
  );
}
