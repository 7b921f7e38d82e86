import { useEffect, useRef, useState } from "preact/hooks";
import { loadJitsi, mayEndCall, type JitsiApi } from "../calls";
import type { ChatClient } from "../client";
import type { Call, CallJoin } from "../types";

/**
 * The conference in the page, through Jitsi's IFrame API loaded from the call's domain, with the
 * join token passed as `jwt`. Hanging up in Jitsi, or Leave here, leaves the call.
 */
export function Conference({ client, call, join }: { client: ChatClient; call: Call; join: CallJoin }) {
  const frame = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const me = client.state.me;

  useEffect(() => {
    let api: JitsiApi | null = null;
    let gone = false;
    loadJitsi(join.domain).then(
      (JitsiMeetExternalAPI) => {
        if (gone || !frame.current) return;
        api = new JitsiMeetExternalAPI(join.domain, {
          // A tenant's room is "tenant/room" (8x8 JaaS), as in the join URL's path.
          roomName: decodeURIComponent(new URL(join.url).pathname.slice(1)) || join.room,
          ...(join.jwt ? { jwt: join.jwt } : {}),
          parentNode: frame.current,
          width: "100%",
          height: "100%",
          userInfo: { displayName: me.displayName },
          configOverwrite: { startWithVideoMuted: call.media === "audio", prejoinPageEnabled: false },
        });
        api.addListener("readyToClose", () => void client.leaveCall());
      },
      (e: Error) => setError(e.message),
    );
    return () => {
      gone = true;
      api?.dispose();
    };
  }, [call.id, join.jwt]);

  const mayEnd = mayEndCall(call, me, client.state.chats.find((c) => c.id === call.chatId));
  return (
    <section class="conference" aria-label="Call" data-testid="conference">
      <header>
        <strong>{call.media === "video" ? "Video call" : "Audio call"}</strong>
        <span class="spacer" />
        {mayEnd && <button onClick={() => void client.endCall()}>End for everyone</button>}
        <button class="danger" onClick={() => void client.leaveCall()}>Leave</button>
      </header>
      {error ? <p class="error pad">{error}</p> : <div class="conference-frame" ref={frame} data-testid="conference-frame" />}
    </section>
  );
}
