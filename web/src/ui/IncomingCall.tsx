import { useEffect } from "preact/hooks";
import { ring, type AudioLike } from "../calls";
import type { ChatClient } from "../client";
import { chatTitle } from "../timeline";
import type { Call } from "../types";
import { Icon } from "./Icon";
import { go } from "./useClient";

/** The banner of a call ringing for me, with Join and Decline, and a ring while it shows. */
export function IncomingCall({ client, call }: { client: ChatClient; call: Call }) {
  useEffect(() => {
    const Context = (globalThis as { AudioContext?: new () => AudioLike }).AudioContext;
    if (!Context) return;
    let stop: (() => void) | null = null;
    try {
      stop = ring(new Context());
    } catch {
      // No sound (the browser refused audio): the banner still shows.
    }
    return () => stop?.();
  }, [call.id]);

  const chat = client.state.chats.find((c) => c.id === call.chatId);
  const caller = client.userName(call.startedBy);
  const where = chat?.kind === "group" ? ` in ${chatTitle(chat, client.state.me.id)}` : "";
  return (
    <div class="incoming-call" role="alertdialog" aria-label="Incoming call" data-testid="incoming-call">
      <Icon name={call.media === "video" ? "video" : "phone"} />
      <span><strong>{caller}</strong> is calling{where} ({call.media})</span>
      <button class="primary" onClick={() => { go(call.chatId); void client.joinCall(call.id); }}>Join</button>
      <button class="danger" onClick={() => void client.declineCall(call.id)}>Decline</button>
    </div>
  );
}
