import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ChatClient, State } from "../client";
import { dayLabel } from "../format";
import { chatTitle, seenBy, typingNow, type Item } from "../timeline";
import type { Chat, StoredFile } from "../types";
import { statusLine } from "../presence";
import type { Presence } from "../types";
import { PresenceAvatar } from "./PresenceAvatar";
import { Icon } from "./Icon";
import { CommandSuggestions } from "./CommandSuggestions";
import { Details } from "./Details";
import { EphemeralNotes } from "./EphemeralNotes";
import { Integrations } from "./Integrations";
import { Members } from "./Members";
import { MessageItem } from "./MessageItem";
import { MentionSuggestions } from "./MentionSuggestions";
import { useMentionAutocomplete } from "./useMentionAutocomplete";
import { SearchPanel } from "./SearchPanel";
import { go } from "./useClient";
import { interleave } from "../e2ee/trust";
import { KeyWarningNotice } from "./KeyWarningNotice";
import { SafetyNumbers } from "./SafetyNumbers";

export function Conversation({ client, state, chat }: { client: ChatClient; state: State; chat: Chat }) {
  const timeline = state.timelines[chat.id];
  const items = timeline?.items ?? [];
  const me = state.me.id;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const firstId = useRef<string | null>(null);
  const heightBefore = useRef(0);
  const [showMembers, setShowMembers] = useState(false);
  const [details, setDetails] = useState<Item | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [searching, setSearching] = useState(false);
  const [muted, setMuted] = useState<boolean | null>(null);
  const [integrations, setIntegrations] = useState(false);
  const [editLast, setEditLast] = useState(false);
  const [safety, setSafety] = useState(false);
  const typers = typingNow(state.typing[chat.id], Date.now(), me).map((id) => client.userName(id));
  const canModerate = chat.kind === "group" && (chat.createdBy === me || state.me.roles.includes("admin"));
  const atEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  const title = chatTitle(chat, me);

  // A new stretch (opened, jumped, refetched): to the highlighted signal, else to the end.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (state.highlight) {
      el.querySelector<HTMLElement>(`[data-signal-id="${state.highlight}"]`)?.scrollIntoView({ block: "center" });
      stick.current = false;
    } else {
      el.scrollTop = el.scrollHeight;
      stick.current = true;
    }
    firstId.current = items[0]?.id ?? null;
    heightBefore.current = el.scrollHeight;
    setAtBottom(atEnd(el) && !timeline?.newerCursor);
  }, [state.timelineEpoch, chat.id]);

  // Older signals came in above: keep what the reader was looking at in place. New ones below:
  // follow them when the reader was at the end.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = items[0]?.id ?? null;
    if (firstId.current && first !== firstId.current) {
      el.scrollTop += el.scrollHeight - heightBefore.current;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    firstId.current = first;
    heightBefore.current = el.scrollHeight;
    setAtBottom(atEnd(el) && !timeline?.newerCursor);
  }, [items]);

  useEffect(() => {
    let live = true;
    void client.muted(chat.id).then((m) => live && setMuted(m));
    return () => {
      live = false;
    };
  }, [chat.id]);

  const toggleMute = async () => {
    if (muted === null) return;
    const now = await client.setMuted(chat.id, !muted);
    if (now !== null) setMuted(now);
  };

  useEffect(() => {
    if (!state.highlight) return;
    const timer = setTimeout(() => client.clearHighlight(), 2500);
    return () => clearTimeout(timer);
  }, [state.highlight]);

  const onScroll = () => {
    const el = scroller.current!;
    const bottom = atEnd(el);
    stick.current = bottom && !timeline?.newerCursor;
    setAtBottom(bottom && !timeline?.newerCursor);
    heightBefore.current = el.scrollHeight;
    if (el.scrollTop < 200) void client.loadOlder();
    if (bottom) {
      if (timeline?.newerCursor) void client.loadNewer();
      else client.markRead();
    }
  };

  const toLatest = () => {
    const el = scroller.current;
    if (!timeline?.newerCursor) el?.scrollTo({ top: el.scrollHeight });
    else if (window.location.hash !== `#/c/${chat.id}`) go(chat.id); // the route loads the newest page
    else void client.openChat(chat.id);
  };

  const mineLast = [...items].reverse().find((i) => i.senderId === me && i.kind === "message" && !i.pending);
  const seen = mineLast ? seenBy(state.pointers[chat.id] ?? {}, mineLast) : [];
  const isGroup = chat.kind === "group";

  return (
    <section class="conversation" aria-label={`Chat with ${title}`}>
      <header class="conv-head">
        <button class="icon back" aria-label="Back to chats" onClick={() => go(null)}><Icon name="back" size={24} /></button>
        <PresenceAvatar id={isGroup ? chat.id : chat.members.find((m) => m.id !== me)?.id ?? chat.id} name={title} size={36}
          presence={isGroup ? undefined : state.users[chat.members.find((m) => m.id !== me)?.id ?? ""]?.presence} showDot={!isGroup} />
        <div class="conv-title">
          <h2>{chat.encrypted && <span class="lock" role="img" aria-label="End-to-end encrypted" title="End-to-end encrypted">🔒 </span>}{title}</h2>
          <span class="muted small">
            {isGroup
              ? `${chat.members.length} members`
              : `@${chat.members.find((m) => m.id !== me)?.username ?? ""}${partnerStatus(state.users[chat.members.find((m) => m.id !== me)?.id ?? ""]?.presence)}`}
          </span>
        </div>
        {isGroup && (
          <button class="icon" title="Rename the group" aria-label="Rename the group"
            onClick={() => { const name = prompt("New name of the group", chat.name ?? ""); if (name?.trim()) void client.renameChat(chat.id, name.trim()); }}>✏️</button>
        )}
        {chat.encrypted && (
          <button class="icon" title="End-to-end encryption: devices and safety numbers" aria-label="Encryption and safety numbers"
            onClick={() => setSafety(true)}>🔒</button>
        )}
        <button class={`icon ${searching ? "on" : ""}`} title="Search in this chat" aria-label="Search in this chat" aria-expanded={searching}
          onClick={() => setSearching(!searching)}><Icon name="search" /></button>
        {muted !== null && (
          <button class={`icon ${muted ? "on" : ""}`} title={muted ? "Muted: no notifications from this chat" : "Mute notifications from this chat"}
            aria-label="Mute notifications" aria-pressed={muted} onClick={() => void toggleMute()}>
            <Icon name={muted ? "bellOff" : "bell"} />
          </button>
        )}
        <button class="icon" title="Start an audio call" aria-label="Start an audio call" onClick={() => void client.startCall("audio")}><Icon name="phone" /></button>
        <button class="icon" title="Start a video call" aria-label="Start a video call" onClick={() => void client.startCall("video")}><Icon name="video" /></button>
        <button class="icon" title="Members" aria-label="Members" onClick={() => setShowMembers(true)}><Icon name="users" /></button>
        {isGroup && (
          <button class="icon" title="Integrations: incoming webhooks" aria-label="Integrations" onClick={() => setIntegrations(true)}><Icon name="clip" /></button>
        )}
      </header>

      {searching && <SearchPanel client={client} chat={chat} onClose={() => setSearching(false)} />}

      <div class="timeline" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-label="Messages">
        {timeline && timeline.olderCursor === null && items.length > 0 && (
          <p class="timeline-start muted small">This is the beginning of {isGroup ? title : `your chat with ${title}`}.</p>
        )}
        {state.loading.older && <p class="muted small center">Loading earlier messages…</p>}
        {!timeline && <p class="muted center pad">Loading…</p>}
        {timeline && items.length === 0 && <p class="muted center pad">No messages yet. Say hello!</p>}
        <ol>
          {interleave(items, state.keyWarnings[chat.id] ?? []).map((entry) => {
            if ("warning" in entry) return <KeyWarningNotice key={entry.warning.id} client={client} warning={entry.warning} onSafety={() => setSafety(true)} />;
            const { item, index } = entry;
            const prev = items[index - 1];
            const newDay = !prev || new Date(prev.createdAt).toDateString() !== new Date(item.createdAt).toDateString();
            const grouped = !newDay && prev && prev.kind === "message" && item.kind === "message" && prev.senderId === item.senderId
              && Date.parse(item.createdAt) - Date.parse(prev.createdAt) < 5 * 60_000;
            return (
              <>
                {newDay && <li class="day" key={`day-${item.id}`}><span>{dayLabel(item.createdAt)}</span></li>}
                <MessageItem
                  key={item.id}
                  client={client}
                  item={item}
                  mine={item.senderId === me}
                  grouped={!!grouped}
                  showSender={isGroup}
                  highlighted={state.highlight === item.id}
                  seen={item === mineLast ? seen : null}
                  onDetails={() => setDetails(item)}
                  canModerate={canModerate}
                  editRequested={editLast && item === mineLast && !item.deletedAt}
                  onEditDone={() => setEditLast(false)}
                />
              </>
            );
          })}
        </ol>
        <EphemeralNotes client={client} chatId={chat.id} notes={state.ephemeral[chat.id] ?? []} />
        {state.loading.newer && <p class="muted small center">Loading newer messages…</p>}
      </div>

      {!atBottom && (
        <button class="to-latest" onClick={toLatest}>
          <Icon name="down" size={16} /> Latest
        </button>
      )}

      <p class="typing muted small" aria-live="polite" data-testid="typing">
        {typers.length === 0 ? "" : `${typers.join(", ")} ${typers.length === 1 ? "is" : "are"} typing…`}
      </p>

      <Composer client={client} chatId={chat.id} onEditLast={() => setEditLast(true)} encrypted={!!chat.encrypted} />

      {showMembers && <Members client={client} state={state} chat={chat} onClose={() => setShowMembers(false)} />}
      {details && <Details client={client} item={details} onClose={() => setDetails(null)} />}
      {integrations && <Integrations client={client} chat={chat} onClose={() => setIntegrations(false)} />}
      {safety && <SafetyNumbers client={client} chat={chat} onClose={() => setSafety(false)} />}
    </section>
  );
}

interface Upload {
  key: number;
  file: File;
  progress: number;
  stored?: StoredFile;
  error?: string;
  abort: AbortController;
}

function Composer({ client, chatId, onEditLast, encrypted }: { client: ChatClient; chatId: string; onEditLast: () => void; encrypted: boolean }) {
  const [text, setText] = useState("");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const input = useRef<HTMLTextAreaElement>(null);
  const members = client.state.chats.find((c) => c.id === chatId)?.members ?? [];
  const mentions = useMentionAutocomplete({ members, meId: client.state.me.id, text, setText, input });
  const picker = useRef<HTMLInputElement>(null);
  const counter = useRef(0);

  // Each file uploads at once, with its own progress bar; Send waits for them.
  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const upload: Upload = { key: counter.current++, file, progress: 0, abort: new AbortController() };
      const update = (patch: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === upload.key ? { ...u, ...patch } : u)));
      setUploads((all) => [...all, upload]);
      client.upload(file, (progress) => update({ progress }), upload.abort.signal).then(
        (stored) => update({ stored, progress: 1 }),
        (e: Error) => e.name !== "AbortError" && update({ error: e.message }),
      );
    }
  };
  const remove = (upload: Upload) => {
    upload.abort.abort();
    // Uploaded already: it is listed in the chat's files until deleted.
    if (upload.stored) void client.discardUpload(upload.stored.id).catch(() => undefined);
    setUploads((all) => all.filter((u) => u.key !== upload.key));
  };
  const uploading = uploads.some((u) => !u.stored && !u.error);
  const ready = uploads.filter((u) => u.stored).map((u) => u.stored!);
  useEffect(() => input.current?.focus(), [chatId]);
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  const send = () => {
    if ((!text.trim() && ready.length === 0) || uploading) return;
    void client.send(text, ready);
    setText("");
    setUploads([]);
  };
  const replyingTo = client.state.replyingTo?.[chatId];
  useEffect(() => { if (replyingTo) input.current?.focus(); }, [replyingTo?.id]);
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); send(); }}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => { e.preventDefault(); add(e.dataTransfer?.files ?? null); }}>
      {replyingTo && (
        <div class="replying" data-testid="replying">
          <span class="quote">
            Replying to <strong>{client.userName(replyingTo.senderId)}</strong>{" "}
            {encrypted ? <em>a sealed message</em> : replyingTo.text}
          </span>
          <button type="button" class="icon small" aria-label="Cancel reply" title="Cancel reply" onClick={() => { client.cancelReply(chatId); input.current?.focus(); }}>✕</button>
        </div>
      )}
      {uploads.length > 0 && (
        <ul class="uploads" aria-label="Attachments to send">
          {uploads.map((u) => (
            <li key={u.key} class={`upload ${u.error ? "failed" : ""}`} data-testid="upload">
              <span class="upload-name">{u.file.name}</span>
              {u.error ? (
                <span class="error small">{u.error}</span>
              ) : (
                <progress max={1} value={u.progress} aria-label={`Uploading ${u.file.name}`} />
              )}
              <span class="muted small">{u.stored ? "Ready" : u.error ? "" : `${Math.round(u.progress * 100)}%`}</span>
              <button type="button" class="icon small" aria-label={`Remove ${u.file.name}`} onClick={() => remove(u)}>
                <Icon name="close" size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <input ref={picker} type="file" multiple hidden aria-hidden="true" tabIndex={-1} data-testid="file-input"
        onChange={(e) => { add((e.currentTarget as HTMLInputElement).files); (e.currentTarget as HTMLInputElement).value = ""; }} />
      <button type="button" class="icon attach" aria-label="Attach files" title={encrypted ? "Attach files (encrypted on this device)" : "Attach files"}
        onClick={() => picker.current?.click()}>
        <Icon name="clip" />
      </button>
      {/* Slash commands are read by the server, which cannot read a sealed message: none are offered there. */}
      {!encrypted && <CommandSuggestions client={client} chatId={chatId} text={text} onPick={(name) => { setText(`/${name} `); input.current?.focus(); }} />}
      <MentionSuggestions matches={mentions.matches} active={mentions.active} onPick={mentions.pick} />
      <textarea
        ref={input}
        rows={1}
        placeholder="Write a message"
        aria-label="Message"
        value={text}
        maxLength={4000}
        onInput={(e) => {
          const el = e.currentTarget as HTMLTextAreaElement;
          setText(el.value);
          mentions.track(el);
          client.typing();
        }}
        onKeyUp={(e) => mentions.track(e.currentTarget as HTMLTextAreaElement)}
        onPaste={(e) => e.clipboardData?.files.length && add(e.clipboardData.files)}
        onKeyDown={(e) => {
          if (mentions.onKeyDown(e)) return;
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
          // Up-arrow in an empty composer edits my last message, as in Slack.
          if (e.key === "ArrowUp" && !text) {
            e.preventDefault();
            onEditLast();
          }
        }}
      />
      <button class="primary send" type="submit" aria-label="Send" disabled={uploading || (!text.trim() && ready.length === 0)}><Icon name="send" /></button>
    </form>
  );
}

/** " · 🍽️ Lunch" after the partner's username, or nothing. */
function partnerStatus(presence: Presence | undefined): string {
  const line = statusLine(presence);
  return line ? ` · ${line}` : "";
}
