import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Icon } from "./Icon";

/** A modal over the app: Escape or a click outside closes it; focus starts inside. */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // The first field if there is one (typing is what a dialog is opened for), else a button.
    const first = box.current?.querySelector<HTMLElement>("input") ?? box.current?.querySelector<HTMLElement>("button:not(.close)")
      ?? box.current?.querySelector<HTMLElement>("button");
    first?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      previous?.focus?.();
    };
  }, []);
  return (
    <div class="backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label={props.title} ref={box}>
        <header class="dialog-head">
          <h2>{props.title}</h2>
          <button class="icon close" aria-label="Close" onClick={props.onClose}><Icon name="close" /></button>
        </header>
        <div class="dialog-body">{props.children}</div>
      </div>
    </div>
  );
}
