import { useEffect, useState } from "preact/hooks";
import type { ChatClient, State } from "../client";
import type { PushStatus } from "../push";
import { Dialog } from "./Dialog";

export function Settings({ client, state, onClose }: { client: ChatClient; state: State; onClose: () => void }) {
  const settings = state.imageSettings;
  return (
    <Dialog title="Settings" onClose={onClose}>
      <div class="settings">
        {!settings && <p class="muted">Loading…</p>}
        {settings && (
          <>
            <label class="check">
              <input
                type="checkbox"
                checked={settings.autoLoadImages}
                onChange={(e) => void client.saveImageSettings({ ...settings, autoLoadImages: (e.currentTarget as HTMLInputElement).checked })}
              />
              <span>
                Load images automatically
                <span class="muted small">Off: images wait until you choose to load them.</span>
              </span>
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={settings.lowQualityImages}
                onChange={(e) => void client.saveImageSettings({ ...settings, lowQualityImages: (e.currentTarget as HTMLInputElement).checked })}
              />
              <span>
                Low-quality images
                <span class="muted small">Show small previews; the full image is one click away.</span>
              </span>
            </label>
          </>
        )}
        <Notifications client={client} />
      </div>
    </Dialog>
  );
}

/** Web Push in this browser: on asks permission, subscribes and tells the server; off undoes it. */
function Notifications({ client }: { client: ChatClient }) {
  const [status, setStatus] = useState<PushStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    void client.push.status().then(setStatus, () => setStatus("unsupported"));
  }, [client]);

  const toggle = async (on: boolean) => {
    setBusy(true);
    setMessage(null);
    try {
      if (on) await client.push.enable();
      else await client.push.disable();
    } catch (error) {
      setMessage((error as Error).message);
    }
    setStatus(await client.push.status().catch((): PushStatus => "unsupported"));
    setBusy(false);
  };

  const hint = status === "unsupported" ? "This browser cannot receive notifications from this page."
    : status === "blocked" ? "Blocked for this site: allow notifications in the browser's site settings."
    : "New messages while this app is closed or hidden; muted chats stay quiet.";
  return (
    <>
      <label class="check">
        <input type="checkbox" checked={status === "on"} disabled={busy || status === null || status === "unsupported" || status === "blocked"}
          onChange={(e) => void toggle((e.currentTarget as HTMLInputElement).checked)} />
        <span>
          Notifications
          <span class="muted small">{hint}</span>
        </span>
      </label>
      {message && <p class="error small push-message" role="status" data-testid="push-message">{message}</p>}
    </>
  );
}
