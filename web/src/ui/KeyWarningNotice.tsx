import type { ChatClient } from "../client";
import { clockTime } from "../format";
import { describeChange, type KeyWarning } from "../e2ee/trust";

/** A member's device keys changed since this browser saw them: said in the timeline, where it matters. */
export function KeyWarningNotice({ client, warning, onSafety }: { client: ChatClient; warning: KeyWarning; onSafety: () => void }) {
  return (
    <li class="system key-warning" data-testid="key-warning" role="note">
      <span>
        ⚠️ {describeChange(client.userName(warning.userId), warning)} · {clockTime(warning.at)}{" "}
        <button class="link small" onClick={onSafety}>Safety numbers</button>
      </span>
    </li>
  );
}
