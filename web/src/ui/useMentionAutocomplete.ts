import { useState, type MutableRef } from "preact/hooks";
import { insertMention, matchMembers, mentionQuery } from "../mentions";
import type { User } from "../types";

/**
 * @-autocomplete for a composer: the `@word` before the caret, the members it matches, the
 * highlighted one, and Escape's dismissal. The main composer and the thread composer share it.
 */
export function useMentionAutocomplete(options: {
  members: User[];
  meId: string;
  text: string;
  setText: (text: string) => void;
  input: MutableRef<HTMLTextAreaElement | null>;
}) {
  const { members, meId, text, setText, input } = options;
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const typed = mentionQuery(text, caret);
  const matches = typed && closedAt !== typed.start ? matchMembers(members, typed.query, meId) : [];
  const highlighted = Math.min(active, Math.max(0, matches.length - 1));

  const pick = (user: User) => {
    if (!typed) return;
    const next = insertMention(text, typed.start, caret, user.username);
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => { input.current?.focus(); input.current?.setSelectionRange(next.caret, next.caret); });
  };

  /** Arrow keys move, Enter or Tab picks, Escape closes; true when the key was the list's. */
  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (matches.length === 0 || !typed) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : matches.length - 1;
      setActive((highlighted + step) % matches.length);
      return true;
    }
    if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pick(matches[highlighted]);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      setClosedAt(typed.start);
      return true;
    }
    return false;
  };

  /** Call on input and key up: where the caret is decides what is being typed. */
  const track = (el: HTMLTextAreaElement) => setCaret(el.selectionStart ?? el.value.length);

  return { matches, active: highlighted, pick, onKeyDown, track };
}
