import { hue, initials } from "../format";

export function Avatar({ id, name, size = 40 }: { id: string; name: string; size?: number }) {
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{ width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.38)}px`, background: `hsl(${hue(id)} 55% 45%)` }}
    >
      {initials(name)}
    </span>
  );
}
