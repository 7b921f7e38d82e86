import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import type { SealedFile } from "../e2ee/files";
import type { Attachment } from "../types";
import { downloadObjectUrl, fileSize } from "./Attachments";
import { Icon } from "./Icon";

/**
 * The files of an end-to-end encrypted message: fetched as opaque bytes and opened here with the
 * keys the message carried. Images show at once (the server has no preview of them to offer).
 */
export function SealedAttachments({ client, files, attachments, mine }: { client: ChatClient; files: SealedFile[]; attachments?: Attachment[]; mine: boolean }) {
  const urlOf = (f: SealedFile) => attachments?.find((a) => a.id === f.id)?.contentUrl ?? `/api/v1/files/${f.id}/content`;
  return (
    <div class={`attachments ${mine ? "mine" : ""}`}>
      {files.map((f) => (isImage(f.type)
        ? <SealedImage key={f.id} client={client} file={f} url={urlOf(f)} />
        : <SealedFileCard key={f.id} client={client} file={f} url={urlOf(f)} />))}
    </div>
  );
}

// SVG can carry script: it is offered as a download, never shown inline.
const isImage = (type: string) => /^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(type);

async function saveAs(client: ChatClient, file: SealedFile, url: string): Promise<void> {
  downloadObjectUrl(await client.sealedObjectUrl(file, url), file.name);
}

function SealedFileCard({ client, file, url }: { client: ChatClient; file: SealedFile; url: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <div class="file-card" data-testid="file">
      <span class="file-icon"><Icon name="file" /></span>
      <span class="grow">
        <span class="file-name">🔒 {file.name}</span>
        <span class={failed ? "error small" : "muted small"}>{failed ? "Could not decrypt" : fileSize(file.size)}</span>
      </span>
      <button class="icon" aria-label={`Download ${file.name}`} title="Download" disabled={busy}
        onClick={() => {
          setBusy(true);
          saveAs(client, file, url).catch(() => setFailed(true)).finally(() => setBusy(false));
        }}>
        <Icon name="download" />
      </button>
    </div>
  );
}

function SealedImage({ client, file, url }: { client: ChatClient; file: SealedFile; url: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let objectUrl: string | null = null;
    let current = true;
    client.sealedObjectUrl(file, url).then(
      (u) => (current ? setSrc((objectUrl = u)) : URL.revokeObjectURL(u)),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [file.id, url]);
  return (
    <figure class="image sealed">
      {src && <img src={src} alt={file.name} title={`${file.name} · ${fileSize(file.size)}`} data-testid="sealed-image" />}
      {!src && !failed && <span class="muted small">Decrypting…</span>}
      {failed && <span class="error small">🔒 Could not decrypt {file.name}</span>}
      <button class="image-download icon small" aria-label={`Download ${file.name}`} title="Download the image"
        onClick={() => void saveAs(client, file, url).catch(() => setFailed(true))}>
        <Icon name="download" size={16} />
      </button>
    </figure>
  );
}
