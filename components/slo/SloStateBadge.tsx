import type { SloStatus } from "@/lib/alerts/slo/objectives";
import { sloState, STATE_STYLE } from "./status";

/** An SLO's state as a pill with a text label (never colour alone). */
export function SloStateBadge({ slo }: { slo: SloStatus }) {
  const s = STATE_STYLE[sloState(slo)];
  return (
    <span data-testid="slo-state" className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.className}`}>
      {s.label}
    </span>
  );
}
