import Link from "next/link";
import type { FiringSummary } from "@/lib/alerts/evaluate/timeline";
import { firingReason } from "@/lib/status/modelStatus";

const TONE = {
  critical: "text-red-700 dark:text-red-300",
  warning: "text-amber-800 dark:text-amber-300",
} as const;

/**
 * A model's firing alerts on the overview, under its status badge: how many and the worst severity, linking to
 * /alerts — the status's own reason (lib/status: a model with an alert firing is not healthy), from the same read
 * as the status (listModels).
 */
export function AlertCell({ firing: s }: { firing: FiringSummary }) {
  const tone = s.severity === "critical" || s.severity === "page" ? TONE.critical : TONE.warning;
  return (
    <Link
      href="/alerts"
      data-testid="alert-line"
      data-count={s.count}
      data-severity={s.severity}
      className={`mt-1 block max-w-40 truncate text-[11px] font-medium leading-tight hover:underline ${tone}`}
      title={`Firing: ${s.names.join(", ")}`}
    >
      <span aria-hidden>● </span>
      {firingReason(s)}
    </Link>
  );
}
