import { useEffect } from "preact/hooks";
import { callCard } from "../calls";
import type { ChatClient } from "../client";
import { clockTime } from "../format";
import type { Item } from "../timeline";

/**
 * A call in the timeline. Started: who is in while it runs, with Join; ended: how long it lasted,
 * or "Missed". Signals sent by older clients (no call id) show their link as before.
 */
export function CallCard({ client, item, highlighted }: { client: ChatClient; item: Item; highlighted: boolean }) {
  const call = item.callId ? client.state.calls[item.callId] : undefined;
  useEffect(() => {
    if (item.kind === "call_started" && item.callId) void client.loadCall(item.callId);
  }, [item.callId]);

  const me = client.state.me.id;
  const starter = item.senderId === me ? "You" : client.userName(item.senderId);
  const view = callCard(item, call, starter);
  const names = view.people.map((id) => (id === me ? "you" : client.userName(id)));
  const inIt = call !== undefined && client.state.conference?.call.id === call.id;
  return (
    <li class={`call ${highlighted ? "highlight" : ""}`} data-signal-id={item.id} data-kind={item.kind} data-call-state={view.state}>
      <span class="call-card" data-testid="call-card">
        <span class="call-icon" aria-hidden="true">{view.state === "missed" ? "📵" : item.kind === "call_started" ? "📞" : "📴"}</span>
        <span>
          <strong>{view.title}</strong>
          <span class="muted small"> · {clockTime(item.createdAt)}</span>
          {view.state === "running" && names.length > 0 && <span class="small"> · In the call: {names.join(", ")}</span>}
          {view.state === "ended" && item.kind === "call_ended" && names.length > 0 && <span class="small"> · {names.join(", ")}</span>}
          {view.state === "running" && !inIt && (
            <> · <button class="link" onClick={() => void client.joinCall(call!.id)}>Join</button></>
          )}
          {!item.callId && item.callUrl && item.kind === "call_started" && (
            <> · <a href={item.callUrl} target="_blank" rel="noopener noreferrer">Join</a></>
          )}
        </span>
      </span>
    </li>
  );
}
