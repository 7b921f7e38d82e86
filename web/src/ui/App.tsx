import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { ChatList } from "./ChatList";
import { Conference } from "./Conference";
import { Conversation } from "./Conversation";
import { ThreadPanel } from "./ThreadPanel";
import { Icon } from "./Icon";
import { IncomingCall } from "./IncomingCall";
import { NewChat } from "./NewChat";
import { Settings } from "./Settings";
import { StatusPicker } from "./StatusPicker";
import { go, useClientState, useRoute } from "./useClient";
import { ActivityPinger, watchActivity } from "../activity";

export function App({ client, onSignOut }: { client: ChatClient; onSignOut: () => void }) {
  const state = useClientState(client);
  const route = useRoute();
  const [creating, setCreating] = useState(false);
  const [settings, setSettings] = useState(false);
  const [status, setStatus] = useState(false);
  const [showLive, setShowLive] = useState(false);

  // The stream also closes by design (its token expired) and is back within a second: say
  // "Reconnecting" only when it takes longer than that.
  useEffect(() => {
    if (state.live === "live" || state.live === "stopped") {
      setShowLive(false);
      return;
    }
    const timer = setTimeout(() => setShowLive(true), 1500);
    return () => clearTimeout(timer);
  }, [state.live]);

  // Reading and clicking without writing still means I am here: not "away" to my partners.
  useEffect(() => watchActivity(document, new ActivityPinger(() => client.markActive())), [client]);

  useEffect(() => {
    if (route.chatId) void client.openChat(route.chatId, route.signalId ?? undefined);
    else client.closeChat();
  }, [client, route.chatId, route.signalId]);

  // The client closes a chat I was removed from; follow it in the address bar.
  useEffect(() => {
    if (route.chatId && state.chatsLoaded && state.openChatId === null) go(null);
  }, [state.openChatId, state.chatsLoaded]);

  const open = state.openChatId ? state.chats.find((c) => c.id === state.openChatId) : undefined;
  const unread = state.chats.reduce((sum, c) => sum + c.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Petit chat` : "Petit chat";
  }, [unread]);

  return (
    <div class={`shell ${open ? "has-chat" : "no-chat"}`}>
      <ChatList client={client} state={state} onNew={() => setCreating(true)} onSettings={() => setSettings(true)} onSignOut={onSignOut} onStatus={() => setStatus(true)} />
      <main class={`pane ${open && state.thread?.chatId === open.id ? "with-thread" : ""}`}>
        {open ? (
          <>
            <Conversation key={open.id} client={client} state={state} chat={open} />
            {state.thread?.chatId === open.id && <ThreadPanel client={client} thread={state.thread} />}
          </>
        ) : (
          <div class="empty-pane">
            <div class="brand-mark" aria-hidden="true"><Icon name="chat" size={44} /></div>
            <p>Pick a chat, or start one.</p>
            <button class="primary" onClick={() => setCreating(true)}>New chat</button>
          </div>
        )}
      </main>
      {showLive && state.live !== "live" && state.live !== "stopped" && (
        <div class={`live-banner ${state.live}`} role="status" data-testid="live-state">
          {state.live === "connecting" ? "Connecting…" : "Reconnecting…"}
        </div>
      )}
      {state.notice && (
        <div class="toast" role="alert">
          <span>{state.notice}</span>
          <button class="icon" aria-label="Dismiss" onClick={() => client.dismissNotice()}>×</button>
        </div>
      )}
      {client.incoming && <IncomingCall key={client.incoming.id} client={client} call={client.incoming} />}
      {state.conference && <Conference key={state.conference.call.id} client={client} call={state.conference.call} join={state.conference.join} />}
      {settings && <Settings client={client} state={state} onClose={() => setSettings(false)} />}
      {status && <StatusPicker client={client} onClose={() => setStatus(false)} />}
      {creating && (
        <NewChat
          client={client}
          onClose={() => setCreating(false)}
          onCreated={(chatId) => {
            setCreating(false);
            go(chatId);
          }}
        />
      )}
    </div>
  );
}
