import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { shortTime } from "../format";
import type { Chat, SearchHit } from "../types";
import { Icon } from "./Icon";
import { Snippet } from "./Snippet";
import { go } from "./useClient";

/** Search in one chat: results as the reader types, each a jump to its message. */
export function SearchPanel({ client, chat, onClose }: { client: ChatClient; chat: Chat; onClose: () => void }) {
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asked, setAsked] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    const wanted = q.trim();
    if (!wanted) {
      setHits([]);
      setCursor(null);
      setMessage(null);
      setAsked("");
      setBusy(false);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      setBusy(true);
      void client.search(chat.id, wanted).then((result) => {
        if (!current || !result) return;
        setBusy(false);
        setHits(result.hits);
        setCursor(result.nextCursor);
        setMessage(result.message);
        setAsked(wanted);
      });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, chat.id]);

  const more = async () => {
    if (!cursor || busy) return;
    setBusy(true);
    const result = await client.search(chat.id, asked, cursor);
    setBusy(false);
    if (!result) return;
    if (result.message) setMessage(result.message);
    else {
      setHits((all) => [...all, ...result.hits]);
      setCursor(result.nextCursor);
    }
  };

  // The same result again: the route does not change, so jump by hand.
  const jump = (hit: SearchHit) => {
    if (window.location.hash === `#/c/${chat.id}/m/${hit.signalId}`) void client.openChat(chat.id, hit.signalId);
    else go(chat.id, hit.signalId);
  };

  return (
    <div class="search-panel" role="search">
      <div class="search-bar">
        <Icon name="search" size={16} />
        <input ref={input} type="search" placeholder="Search in this chat" aria-label="Search messages" value={q} maxLength={500}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === "Escape" && onClose()} />
        <button class="icon small" aria-label="Close search" onClick={onClose}><Icon name="close" size={14} /></button>
      </div>
      {chat.encrypted && (
        <p class="muted small search-note" role="status" data-testid="search-encrypted">
          End-to-end encrypted: this searches only the messages loaded and opened in this browser (the server cannot read them).
        </p>
      )}
      {message && <p class="muted small search-note" role="status">{message}</p>}
      {!message && asked && hits.length === 0 && !busy && <p class="muted small search-note" role="status">No messages match “{asked}”.</p>}
      {hits.length > 0 && (
        <ul class="search-results" aria-label="Search results">
          {hits.map((hit) => (
            <li key={hit.signalId}>
              <button class="search-hit" onClick={() => jump(hit)}>
                <span class="search-meta muted small">{client.userName(hit.senderId)} · {shortTime(hit.createdAt)}</span>
                <Snippet snippet={hit.snippet} />
              </button>
            </li>
          ))}
          {cursor && (
            <li><button class="link small" disabled={busy} onClick={() => void more()}>More results</button></li>
          )}
        </ul>
      )}
    </div>
  );
}
