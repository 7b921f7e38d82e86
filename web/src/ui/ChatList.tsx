import type { ChatClient, State } from "../client";
import { shortTime } from "../format";
import { chatTitle } from "../timeline";
import type { Chat, Signal } from "../types";
import { GlobalSearch } from "./GlobalSearch";
import { statusLine } from "../presence";
import { PresenceAvatar } from "./PresenceAvatar";
import { Icon } from "./Icon";
import { go } from "./useClient";

export function ChatList(props: { client: ChatClient; state: State; onNew: () => void; onSettings: () => void; onSignOut: () => void; onStatus?: () => void }) {
  const { client, state } = props;
  const onScroll = (e: Event) => {
    const el = e.currentTarget as HTMLElement;
    if (el.scrollTop + el.clientHeight > el.scrollHeight - 80) void client.moreChats();
  };
  return (
    <aside class="sidebar" aria-label="Chats">
      <header class="sidebar-head">
        <PresenceAvatar id={state.me.id} name={state.me.displayName || state.me.username} size={34} presence={client.myPresence} />
        <div class="me">
          <strong>{state.me.displayName || state.me.username}</strong>
          <button class="link small status-button" aria-label="Set a status" onClick={props.onStatus}>
            {statusLine(client.myPresence) || `@${state.me.username}`}
          </button>
        </div>
        <button class={`icon ${client.myPresence?.state === "dnd" ? "on" : ""}`} title="Do not disturb: no notifications except mentions"
          aria-label="Do not disturb" aria-pressed={client.myPresence?.state === "dnd"} onClick={() => void client.toggleDnd()}>
          <Icon name={client.myPresence?.state === "dnd" ? "bellOff" : "bell"} />
        </button>
        <button class="icon" title="Image settings" aria-label="Settings" onClick={props.onSettings}><Icon name="settings" /></button>
        <button class="icon" title="New chat" aria-label="New chat" onClick={props.onNew}><Icon name="edit" /></button>
        <button class="ghost small" onClick={props.onSignOut}>Sign out</button>
      </header>
      <GlobalSearch client={client} state={state} />
      <nav class="chat-list" onScroll={onScroll}>
        {!state.chatsLoaded && <p class="muted pad">Loading chats…</p>}
        {state.chatsLoaded && state.chats.length === 0 && (
          <p class="muted pad">No chats yet. Start one with the pencil above.</p>
        )}
        <ul>
          {state.chats.map((chat) => (
            <ChatRow key={chat.id} chat={chat} client={client} active={chat.id === state.openChatId} meId={state.me.id} state={state} />
          ))}
        </ul>
      </nav>
    </aside>
  );
}

function ChatRow({ chat, client, active, meId, state }: { chat: Chat; client: ChatClient; active: boolean; meId: string; state: State }) {
  const title = chatTitle(chat, meId);
  const avatarId = chat.kind === "direct" ? chat.members.find((m) => m.id !== meId)?.id ?? chat.id : chat.id;
  const partner = chat.kind === "direct" ? state.users[avatarId] : undefined;
  return (
    <li>
      <a
        href={`#/c/${chat.id}`}
        class={`chat-row ${active ? "active" : ""} ${chat.unreadCount > 0 ? "unread" : ""}`}
        aria-current={active ? "page" : undefined}
        data-chat-id={chat.id}
        onClick={(e) => {
          e.preventDefault();
          go(chat.id);
        }}
      >
        <PresenceAvatar id={avatarId} name={title} presence={partner?.presence} showDot={chat.kind === "direct"} />
        <span class="chat-row-main">
          <span class="chat-row-top">
            <span class="chat-title">{chat.encrypted && <span class="lock" role="img" aria-label="End-to-end encrypted" title="End-to-end encrypted">🔒 </span>}{title}{partner?.presence?.status?.emoji && <span class="status-emoji-inline"> {partner.presence.status.emoji}</span>}</span>
            <span class="chat-time muted small">{shortTime(chat.lastActivityAt)}</span>
          </span>
          <span class="chat-row-bottom">
            <span class="chat-preview muted">{preview(chat.lastSignal, client, meId)}</span>
            {(chat.unreadMentions ?? 0) > 0 && (
              <span class="badge mention" data-testid="mention-badge" aria-label={`${chat.unreadMentions} unread mentions`}>@</span>
            )}
            {chat.unreadCount > 0 && (
              <span class="badge" aria-label={`${chat.unreadCount} unread`}>{chat.unreadCount > 99 ? "99+" : chat.unreadCount}</span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

export function preview(signal: Signal | null, client: ChatClient, meId: string): string {
  if (!signal) return "No messages yet";
  const who = signal.senderId === meId ? "You" : client.userName(signal.senderId);
  switch (signal.kind) {
    case "message": {
      if (signal.encrypted && !signal.text) return signal.deletedAt ? `${who}: message deleted` : `${who}: 🔒 Encrypted message`;
      const files = signal.attachmentIds?.length ?? signal.attachments?.length ?? 0;
      const text = signal.text || (files === 1 ? "📎 Attachment" : `📎 ${files} attachments`);
      return `${who}: ${text}`;
    }
    case "member_joined":
      return `${client.userName(signal.memberId)} joined`;
    case "member_left":
      return `${client.userName(signal.memberId)} left`;
    case "call_started":
      return `📞 ${who} started a call`;
    case "call_ended":
      return signal.missed ? "📵 Missed call" : "📞 Call ended";
    default:
      return "";
  }
}
