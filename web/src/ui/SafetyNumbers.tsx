import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { safetyLines } from "../e2ee/trust";
import type { Chat, DeviceInfo } from "../types";
import { Dialog } from "./Dialog";

interface MemberSafety {
  userId: string;
  devices: DeviceInfo[];
  number: string | null;
  verified: boolean;
  error?: string;
}

/**
 * The encryption panel of a chat: each member's devices and the safety number of you and them
 * (docs/e2ee.md). The same number on both phones means no one sits between you.
 */
export function SafetyNumbers({ client, chat, onClose }: { client: ChatClient; chat: Chat; onClose: () => void }) {
  const [members, setMembers] = useState<MemberSafety[] | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all(
      chat.members.map((m) =>
        client.safety(m.id).then(
          (s): MemberSafety => ({ userId: m.id, devices: s.devices, number: m.id === client.state.me.id ? null : s.number, verified: s.verified }),
          (e: Error): MemberSafety => ({ userId: m.id, devices: [], number: null, verified: false, error: e.message }),
        ),
      ),
    ).then((all) => live && setMembers(all));
    return () => {
      live = false;
    };
  }, [chat.id, chat.members.length]);

  const mark = async (m: MemberSafety, verified: boolean) => {
    try {
      await client.setVerified(m.userId, verified ? m.number : null);
      setMembers((all) => all?.map((x) => (x.userId === m.userId ? { ...x, verified } : x)) ?? null);
    } catch (e) {
      client.notify((e as Error).message);
    }
  };

  return (
    <Dialog title="End-to-end encryption" onClose={onClose}>
      <p class="muted small">
        Messages here are sealed on the members' devices; the server keeps only ciphertext. Compare a member's safety number with
        theirs (in person or on a call): when both show the same digits, nobody sits between you; mark them verified. It changes when
        their devices change, and the mark goes until you compare again.
      </p>
      {!client.e2ee && <p class="error">This browser keeps no encryption keys: it cannot read or send messages here.</p>}
      {!members && client.e2ee && <p class="muted">Loading devices…</p>}
      <ul class="safety" aria-label="Safety numbers">
        {members?.map((m) => (
          <li key={m.userId} class="safety-member" data-testid="safety-member">
            <strong>
              {client.userName(m.userId)}
              {m.number && m.verified && <span class="verified" data-testid="verified" title="You compared safety numbers"> ✓ Verified</span>}
            </strong>
            {m.error && <span class="error small">{m.error}</span>}
            {m.number && (
              <div class="safety-number" data-testid="safety-number" aria-label={`Safety number with ${client.userName(m.userId)}`}>
                {safetyLines(m.number).map((line) => <div key={line}>{line}</div>)}
              </div>
            )}
            {m.number && (
              <button class="link small" onClick={() => void mark(m, !m.verified)}>
                {m.verified ? "Unmark as verified" : `Mark ${client.userName(m.userId)} as verified`}
              </button>
            )}
            {!m.error && m.devices.length === 0 && <span class="muted small">No devices: they cannot read messages here yet.</span>}
            <ul class="safety-devices">
              {m.devices.map((d) => (
                <li key={d.deviceId}>
                  {d.name || "Device"} <code>{d.deviceId.slice(0, 8)}</code>
                  {d.deviceId === client.e2ee?.deviceId && " (this browser)"}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
