import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import type { Attachment } from "../types";
import { Icon } from "./Icon";

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Files need the bearer token, so they are fetched and shown from an object URL. */
async function saveAs(client: ChatClient, attachment: Attachment): Promise<void> {
  downloadObjectUrl(await client.objectUrl(attachment.contentUrl), attachment.name);
}

/** Saves an object URL's bytes under a name, then lets the URL go. */
export function downloadObjectUrl(url: string, name: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function Attachments({ client, attachments, mine }: { client: ChatClient; attachments: Attachment[]; mine: boolean }) {
  return (
    <div class={`attachments ${mine ? "mine" : ""}`}>
      {attachments.map((a) => (a.previewUrl || a.loadUrl ? <ImageAttachment key={a.id} client={client} attachment={a} /> : <FileCard key={a.id} client={client} attachment={a} />))}
    </div>
  );
}

function FileCard({ client, attachment }: { client: ChatClient; attachment: Attachment }) {
  const [busy, setBusy] = useState(false);
  return (
    <div class="file-card" data-testid="file">
      <span class="file-icon"><Icon name="file" /></span>
      <span class="grow">
        <span class="file-name">{attachment.name}</span>
        <span class="muted small">{fileSize(attachment.size)}</span>
      </span>
      <button
        class="icon"
        aria-label={`Download ${attachment.name}`}
        title="Download"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          saveAs(client, attachment).catch(() => undefined).finally(() => setBusy(false));
        }}
      >
        <Icon name="download" />
      </button>
    </div>
  );
}

function ImageAttachment({ client, attachment }: { client: ChatClient; attachment: Attachment }) {
  // loadUrl null: my settings say wait for a click, then load the preview (or the image).
  const [wanted, setWanted] = useState<string | null>(attachment.loadUrl);
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => setWanted(attachment.loadUrl), [attachment.loadUrl]);
  useEffect(() => {
    // Never show a URL whose bytes were let go.
    setSrc(null);
    setFailed(false);
    if (!wanted) return;
    let url: string | null = null;
    let current = true;
    client.objectUrl(wanted).then(
      (u) => (current ? setSrc((url = u)) : URL.revokeObjectURL(u)),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [wanted]);

  const ratio = attachment.width && attachment.height ? `${attachment.width} / ${attachment.height}` : "4 / 3";
  const width = Math.min(320, attachment.width ?? 320);
  if (!wanted) {
    return (
      <div class="image-placeholder" style={{ aspectRatio: ratio, width: `${width}px` }} data-testid="image-placeholder">
        <span class="muted small">{attachment.name} · {fileSize(attachment.size)}</span>
        <button class="ghost small" onClick={() => setWanted(attachment.previewUrl ?? attachment.contentUrl)}>Load image</button>
      </div>
    );
  }
  return (
    <figure class="image" style={{ aspectRatio: ratio, width: `${width}px` }}>
      {src && (
        <img
          src={src}
          alt={attachment.name}
          title={`${attachment.name} · ${attachment.width}×${attachment.height} · ${fileSize(attachment.size)}`}
          data-quality={wanted === attachment.previewUrl ? "preview" : "full"}
        />
      )}
      {!src && !failed && <span class="muted small">Loading…</span>}
      {failed && <span class="error small">The image could not be loaded.</span>}
      <button class="image-download icon small" aria-label={`Download ${attachment.name}`} title="Download the full image"
        onClick={() => void saveAs(client, attachment).catch(() => undefined)}>
        <Icon name="download" size={16} />
      </button>
    </figure>
  );
}
