import { useEffect, useState } from "preact/hooks";
import type { ChatClient, State } from "../client";
import { shortTime } from "../format";
import { hasFilters, noFilters, type GlobalFilters } from "../search";
import { chatTitle } from "../timeline";
import type { SearchHit } from "../types";
import { Icon } from "./Icon";
import { Snippet } from "./Snippet";
import { go } from "./useClient";

/**
 * Search across every chat I am in, at the top of the chat list: words (with from:, in:,
 * before:, after:, has:file typed in them, as in Slack) and the same filters as fields. While it
 * asks something, its results take the chat list's place (see styles.css).
 */
export function GlobalSearch({ client, state }: { client: ChatClient; state: State }) {
  const [q, setQ] = useState("");
  const [filters, setFilters] = useState<GlobalFilters>(noFilters);
  const [showFilters, setShowFilters] = useState(false);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asked, setAsked] = useState(false);
  const active = !!q.trim() || hasFilters(filters);

  useEffect(() => {
    if (!active) {
      setHits([]);
      setCursor(null);
      setMessage(null);
      setAsked(false);
      setBusy(false);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      setBusy(true);
      void client.searchAll(q, filters).then((result) => {
        if (!current || !result) return;
        setBusy(false);
        setHits(result.hits);
        setCursor(result.nextCursor);
        setMessage(result.message);
        setAsked(true);
      });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, filters]);

  const more = async () => {
    if (!cursor || busy) return;
    setBusy(true);
    const result = await client.searchAll(q, filters, cursor);
    setBusy(false);
    if (!result) return;
    if (result.message) setMessage(result.message);
    else {
      setHits((all) => [...all, ...result.hits]);
      setCursor(result.nextCursor);
    }
  };

  const set = <K extends keyof GlobalFilters>(key: K, value: GlobalFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const clear = () => {
    setQ("");
    setFilters(noFilters);
  };
  const chatName = (chatId: string) => {
    const chat = state.chats.find((c) => c.id === chatId);
    return chat ? chatTitle(chat, state.me.id) : "A chat";
  };
  const jump = (hit: SearchHit) => {
    if (window.location.hash === `#/c/${hit.chatId}/m/${hit.signalId}`) void client.openChat(hit.chatId, hit.signalId);
    else go(hit.chatId, hit.signalId);
  };

  return (
    <div class={`global-search ${active ? "active" : ""}`} role="search" aria-label="Search all chats">
      <div class="search-bar">
        <Icon name="search" size={16} />
        <input type="search" placeholder="Search all chats" aria-label="Search all chats" value={q} maxLength={500}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === "Escape" && clear()} />
        <button class={`ghost small ${showFilters || hasFilters(filters) ? "on" : ""}`} aria-expanded={showFilters}
          onClick={() => setShowFilters(!showFilters)}>Filters</button>
        {active && <button class="icon small" aria-label="Clear search" onClick={clear}><Icon name="close" size={14} /></button>}
      </div>
      {showFilters && (
        <div class="search-filters">
          <label>From <input type="text" aria-label="From user" placeholder="@username" value={filters.from} onInput={(e) => set("from", (e.currentTarget as HTMLInputElement).value)} /></label>
          <label>In
            <select aria-label="In chat" value={filters.in} onChange={(e) => set("in", (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">All my chats</option>
              {state.chats.map((chat) => <option key={chat.id} value={chat.id}>{chatTitle(chat, state.me.id)}</option>)}
            </select>
          </label>
          <label>After <input type="date" aria-label="After date" value={filters.after} onInput={(e) => set("after", (e.currentTarget as HTMLInputElement).value)} /></label>
          <label>Before <input type="date" aria-label="Before date" value={filters.before} onInput={(e) => set("before", (e.currentTarget as HTMLInputElement).value)} /></label>
          <label class="check"><input type="checkbox" checked={filters.hasFile} onChange={(e) => set("hasFile", (e.currentTarget as HTMLInputElement).checked)} /> Has a file</label>
          <label>Sort
            <select aria-label="Sort by" value={filters.sort} onChange={(e) => set("sort", (e.currentTarget as HTMLSelectElement).value as GlobalFilters["sort"])}>
              <option value="best">Best match</option>
              <option value="newest">Newest</option>
            </select>
          </label>
        </div>
      )}
      {active && message && <p class="muted small search-note" role="status">{message}</p>}
      {active && !message && asked && hits.length === 0 && !busy && <p class="muted small search-note" role="status">No messages match.</p>}
      {active && hits.length > 0 && (
        <ul class="search-results" aria-label="Results in all chats">
          {hits.map((hit) => (
            <li key={hit.signalId}>
              <button class="search-hit" onClick={() => jump(hit)}>
                <span class="search-meta muted small"><strong>{chatName(hit.chatId)}</strong> · {client.userName(hit.senderId)} · {shortTime(hit.createdAt)}</span>
                <Snippet snippet={hit.snippet} />
              </button>
            </li>
          ))}
          {cursor && <li><button class="link small" disabled={busy} onClick={() => void more()}>More results</button></li>}
        </ul>
      )}
    </div>
  );
}
