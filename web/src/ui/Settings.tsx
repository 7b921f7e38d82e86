import type { ChatClient, State } from "../client";
import { Dialog } from "./Dialog";

export function Settings({ client, state, onClose }: { client: ChatClient; state: State; onClose: () => void }) {
  const settings = state.imageSettings;
  return (
    <Dialog title="Settings" onClose={onClose}>
      {!settings && <p class="muted">Loading…</p>}
      {settings && (
        <div class="settings">
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
        </div>
      )}
    </Dialog>
  );
}
