import { useState } from "preact/hooks";
import type { ChatClient } from "../client";
import { expiryChoices, expiryFor, type ExpiryChoice } from "../presence";
import type { Availability } from "../types";
import { Dialog } from "./Dialog";

const suggestions: { emoji: string; text: string; expiry: ExpiryChoice }[] = [
  { emoji: "📅", text: "In a meeting", expiry: "1h" },
  { emoji: "🍽️", text: "Lunch", expiry: "30m" },
  { emoji: "🏠", text: "Working from home", expiry: "today" },
  { emoji: "🤒", text: "Out sick", expiry: "today" },
];

/** Set or clear my status: emoji, text, when it clears, and availability. */
export function StatusPicker({ client, onClose }: { client: ChatClient; onClose: () => void }) {
  const current = client.myPresence?.status;
  const [emoji, setEmoji] = useState(current?.emoji ?? "");
  const [text, setText] = useState(current?.text ?? "");
  const [expiry, setExpiry] = useState<ExpiryChoice>("never");
  const [availability, setAvailability] = useState<Availability>(current?.availability ?? "auto");

  const save = async (e: Event) => {
    e.preventDefault();
    await client.setStatus({ emoji: emoji.trim() || null, text: text.trim() || null, expiresAt: expiryFor(expiry, new Date()), availability });
    onClose();
  };

  return (
    <Dialog title="Set a status" onClose={onClose}>
      <form class="status-form" onSubmit={(e) => void save(e)}>
        <div class="status-row">
          <input class="status-emoji" aria-label="Status emoji" placeholder="🙂" maxLength={16} value={emoji} onInput={(e) => setEmoji(e.currentTarget.value)} />
          <input class="grow" aria-label="Status text" placeholder="What's your status?" maxLength={100} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <ul class="status-suggestions">
          {suggestions.map((s) => (
            <li key={s.text}>
              <button type="button" class="ghost small" onClick={() => { setEmoji(s.emoji); setText(s.text); setExpiry(s.expiry); }}>
                {s.emoji} {s.text}
              </button>
            </li>
          ))}
        </ul>
        <label>
          Clear after{" "}
          <select aria-label="Clear after" value={expiry} onChange={(e) => setExpiry(e.currentTarget.value as ExpiryChoice)}>
            {expiryChoices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
          </select>
        </label>
        <label>
          Show me as{" "}
          <select aria-label="Show me as" value={availability} onChange={(e) => setAvailability(e.currentTarget.value as Availability)}>
            <option value="auto">Automatic</option>
            <option value="busy">Busy</option>
            <option value="dnd">Do not disturb</option>
            <option value="away">Away</option>
          </select>
        </label>
        <div class="dialog-actions">
          {current && <button type="button" class="ghost" onClick={() => void client.clearStatus().then(onClose)}>Clear status</button>}
          <button type="submit">Save</button>
        </div>
      </form>
    </Dialog>
  );
}
