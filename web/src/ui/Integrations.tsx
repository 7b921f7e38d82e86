import { useEffect, useState } from "preact/hooks";
import type { IncomingWebhook } from "../apps";
import type { ChatClient } from "../client";
import type { Chat } from "../types";
import { Dialog } from "./Dialog";

/**
 * A chat's incoming webhooks: create one and copy its url (shown once: the server keeps only a
 * hash of its token), see and delete the existing ones. docs/apps.md says how to post to one.
 */
export function Integrations({ client, chat, onClose }: { client: ChatClient; chat: Chat; onClose: () => void }) {
  const [hooks, setHooks] = useState<IncomingWebhook[] | null>(null);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<IncomingWebhook | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = () => client.incomingWebhooks(chat.id).then(setHooks, (e: Error) => setError(e.message));
  useEffect(() => void reload(), [chat.id]);

  const create = async () => {
    if (!name.trim()) return;
    setError(null);
    try {
      setCreated(await client.createIncomingWebhook(chat.id, name.trim()));
      setName("");
      setCopied(false);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const copy = async () => {
    if (!created?.url) return;
    await navigator.clipboard?.writeText(created.url).catch(() => undefined);
    setCopied(true);
  };
  const remove = async (hook: IncomingWebhook) => {
    await client.deleteIncomingWebhook(chat.id, hook.id).catch((e: Error) => setError(e.message));
    await reload();
  };

  return (
    <Dialog title="Integrations" onClose={onClose}>
      <h3>Incoming webhooks</h3>
      <p class="muted small">Anything that can POST JSON (CI, monitoring) posts into this chat through a webhook's url.</p>
      <form class="row" onSubmit={(e) => { e.preventDefault(); void create(); }}>
        <input aria-label="Webhook name" placeholder="Name, as in CI" value={name} maxLength={80}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <button class="primary" type="submit" disabled={!name.trim()}>Create</button>
      </form>
      {error && <p class="error">{error}</p>}
      {created?.url && (
        <div class="webhook-url" data-testid="webhook-url">
          <p class="small">Copy this url now: it is shown only once.</p>
          <input readOnly aria-label="Webhook url" value={created.url} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
          <button type="button" onClick={() => void copy()}>{copied ? "Copied" : "Copy"}</button>
          <pre class="small">{`curl -X POST -H 'Content-Type: application/json' -d '{"text":"Hello"}' ${created.url}`}</pre>
        </div>
      )}
      <ul class="detail-list" aria-label="Webhooks of this chat">
        {hooks?.map((h) => (
          <li key={h.id}>
            <strong>{h.name}</strong> <span class="muted small">by {client.userName(h.createdBy)}</span>
            <button class="ghost small danger" aria-label={`Delete ${h.name}`} onClick={() => void remove(h)}>Delete</button>
          </li>
        ))}
      </ul>
      {hooks && hooks.length === 0 && <p class="muted small">No webhooks yet.</p>}
    </Dialog>
  );
}
