import { useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { clockTime } from "../format";
import { mentionParts } from "../mentions";
import { replyLabel } from "../threads";
import type { Item } from "../timeline";
import { Attachments } from "./Attachments";
import { SealedAttachments } from "./SealedAttachments";
import { Avatar } from "./Avatar";
import { CallCard } from "./CallCard";
import { Icon } from "./Icon";

export const quickEmoji = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

export function MessageItem(props: {
  client: ChatClient;
  item: Item;
  mine: boolean;
  grouped: boolean;
  showSender: boolean;
  highlighted: boolean;
  seen: string[] | null;
  onDetails: () => void;
  /** The group's creator or an admin may delete others' messages. */
  canModerate?: boolean;
  /** Up-arrow in the composer asks to edit my last message. */
  editRequested?: boolean;
  onEditDone?: () => void;
}) {
  const { client, item, mine } = props;
  const [picking, setPicking] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  // A sealed message is not edited: the server would need the new text in the clear.
  const editing = !item.encrypted && (draft !== null || props.editRequested === true);

  if (item.kind === "chat_renamed") {
    return (
      <li class={`system ${props.highlighted ? "highlight" : ""}`} data-signal-id={item.id} data-kind={item.kind}>
        <span>✏️ {client.userName(item.senderId)} renamed the group to “{item.newName}” · {clockTime(item.createdAt)}</span>
      </li>
    );
  }

  if (item.kind === "member_joined" || item.kind === "member_left") {
    const who = client.userName(item.memberId);
    const adder = item.senderId === client.state.me.id ? "you" : client.userName(item.senderId);
    const by = item.senderId !== item.memberId ? ` (added by ${adder})` : "";
    return (
      <li class={`system ${props.highlighted ? "highlight" : ""}`} data-signal-id={item.id} data-kind={item.kind}>
        <span>{item.kind === "member_joined" ? `➕ ${who} joined${by}` : `➖ ${who} left`} · {clockTime(item.createdAt)}</span>
      </li>
    );
  }
  if (item.kind === "call_started" || item.kind === "call_ended") {
    return <CallCard client={client} item={item} highlighted={props.highlighted} />;
  }

  const sender = client.userName(item.senderId);
  const members = (client.state.chats.find((c) => c.id === item.chatId)?.members ?? []).map((m) => m.username);
  if (item.deletedAt) {
    return (
      <li class={`msg ${mine ? "mine" : "theirs"} deleted`} data-signal-id={item.id} data-kind="message">
        <div class="msg-body">
          <div class="bubble tombstone"><span class="muted">Message deleted</span><span class="meta">{clockTime(item.createdAt)}</span></div>
        </div>
      </li>
    );
  }

  const save = async () => {
    const text = (draft ?? item.text ?? "").trim();
    if (text && text !== item.text && !(await client.editMessage(item.id, text))) return;
    setDraft(null);
    props.onEditDone?.();
  };
  return (
    <li
      class={`msg ${mine ? "mine" : "theirs"} ${props.grouped ? "grouped" : ""} ${props.highlighted ? "highlight" : ""} ${item.pending ? "pending" : ""}`}
      data-signal-id={item.id}
      data-kind="message"
    >
      {!mine && props.showSender && (
        <span class="msg-avatar">{!props.grouped && <Avatar id={item.senderId} name={sender} size={30} />}</span>
      )}
      <div class="msg-body">
        {!mine && props.showSender && !props.grouped && (
          <span class="msg-sender">{sender}{client.state.users[item.senderId]?.kind === "bot" && <span class="tag" data-testid="bot-badge">bot</span>}</span>
        )}
        <div class="bubble-row">
          <div class={`bubble ${item.text || item.undecryptable ? "" : "files-only"}`}>
            {item.replyTo && (
              <button type="button" class="quote" data-testid="reply-quote" onClick={() => void client.jumpTo(item.chatId, item.replyTo!.id)}>
                <strong>{client.userName(item.replyTo.senderId)}</strong>{" "}
                {item.replyTo.deleted ? <em>message deleted</em> : item.replyTo.text}
              </button>
            )}
            {item.sealedFiles && item.sealedFiles.length > 0 ? (
              <SealedAttachments client={client} files={item.sealedFiles} attachments={item.attachments} mine={mine} />
            ) : (
              // The server's view of a sealed message's files is opaque bytes: never shown as they are.
              !item.encrypted && item.attachments && item.attachments.length > 0 && <Attachments client={client} attachments={item.attachments} mine={mine} />
            )}
            {editing ? (
              <textarea
                class="edit"
                aria-label="Edit message"
                value={draft ?? item.text ?? ""}
                ref={(el) => el?.focus()}
                onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); void save(); }
                  if (e.key === "Escape") { setDraft(null); props.onEditDone?.(); }
                }}
              />
            ) : (
              item.undecryptable ? <span class="text undecryptable" data-testid="undecryptable">🔒 Could not decrypt</span> : item.text && (
                <span class="text">
                  {mentionParts(item.text, members).map((part, i) => (part.mention ? <span key={i} class="mention-text" data-testid="mention">{part.text}</span> : part.text))}
                </span>
              )
            )}
            <span class="meta">{item.editedAt && <span class="edited" title={`Edited ${clockTime(item.editedAt)}`}>edited · </span>}{clockTime(item.createdAt)}</span>
          </div>
          {!item.pending && (
            <span class="msg-actions">
              <button class="icon small" aria-label="Add reaction" title="Add reaction" onClick={() => setPicking(!picking)}><Icon name="smile" size={16} /></button>
              {item.kind === "message" && !item.threadId && !item.deletedAt && (
                <button class="icon small" aria-label="Reply" title="Reply with a quote" onClick={() => client.startReply(item)}>↩️</button>
              )}
              {/* The thread panel sends plain text, which an encrypted chat refuses: no threads there yet. */}
              {item.kind === "message" && !item.threadId && !item.encrypted && (
                <button class="icon small" aria-label="Reply in thread" title="Reply in thread" onClick={() => void client.openThread(item.chatId, item.id)}>💬</button>
              )}
              <button class="icon small" aria-label="Message details" title="Who reacted, who saw it" onClick={props.onDetails}><Icon name="info" size={16} /></button>
              {mine && item.kind === "message" && !item.encrypted && (
                <button class="icon small" aria-label="Edit message" title="Edit" onClick={() => setDraft(item.text ?? "")}>✏️</button>
              )}
              {(mine || props.canModerate) && item.kind === "message" && (
                <button class="icon small" aria-label="Delete message" title="Delete"
                  onClick={() => { if (confirm("Delete this message for everyone?")) void client.deleteMessage(item.id); }}>🗑️</button>
              )}
            </span>
          )}
        </div>
        {picking && (
          <div class="picker" role="menu" aria-label="Pick a reaction" onKeyDown={(e) => e.key === "Escape" && setPicking(false)}>
            {quickEmoji.map((emoji) => (
              <button
                key={emoji}
                role="menuitem"
                class="emoji"
                aria-label={`React with ${emoji}`}
                onClick={() => {
                  setPicking(false);
                  const current = item.reactions.find((r) => r.emoji === emoji);
                  void client.react(item.id, emoji, !current?.mine);
                }}
              >
                {emoji}
              </button>
            ))}
          </div>
        )}
        {item.reactions.length > 0 && (
          <div class="reactions">
            {item.reactions.map((r) => (
              <button
                key={r.emoji}
                class={`reaction ${r.mine ? "mine" : ""}`}
                aria-pressed={r.mine}
                aria-label={`${r.emoji} ${r.count}${r.mine ? ", yours: remove" : ": add yours"}`}
                title="Click to add or remove yours; the (i) button shows who reacted"
                onClick={() => void client.react(item.id, r.emoji, !r.mine)}
              >
                <span>{r.emoji}</span> <span class="count">{r.count}</span>
              </button>
            ))}
          </div>
        )}
        {item.thread && item.thread.replyCount > 0 && (
          <button type="button" class="link thread-link small" data-testid="thread-link" onClick={() => void client.openThread(item.chatId, item.id)}>
            {replyLabel(item.thread.replyCount)}
          </button>
        )}
        {item.pending && !item.failed && <span class="status muted small">Sending…</span>}
        {item.failed && (
          <span class="status error small">
            Not sent: {item.failed}{" "}
            <button class="link" onClick={() => void client.retry(item.chatId, item.clientId!)}>Retry</button>
          </span>
        )}
        {props.seen && props.seen.length > 0 && (
          <span class="status seen muted small" data-testid="seen-by">
            Seen by {props.seen.map((id) => client.userName(id)).join(", ")}
          </span>
        )}
      </div>
    </li>
  );
}
