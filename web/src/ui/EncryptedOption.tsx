/** The "End-to-end encrypted" choice of a new group: off, and disabled, when this browser keeps no keys. */
export function EncryptedOption({ checked, available, onChange }: { checked: boolean; available: boolean; onChange: (on: boolean) => void }) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} disabled={!available} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />
      <span>
        🔒 End-to-end encrypted
        <span class="muted small">
          {available
            ? "Only the members' devices can read messages; the server cannot, and search works only on what your device shows. Cannot be turned off."
            : "Not available: this browser cannot keep encryption keys."}
        </span>
      </span>
    </label>
  );
}
