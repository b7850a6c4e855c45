import Link from "next/link";
import type { FiringSummary } from "@/lib/alerts/evaluate/timeline";

const TONE = {
  critical: "text-red-700 dark:text-red-300",
  warning: "text-amber-800 dark:text-amber-300",
} as const;

/**
 * A model's firing alerts on the overview, under its status beside the SLO line: how many and the worst severity,
 * linking to /alerts; nothing when none fires. From the fleet's firing counts the page started once (streamed in its
 * own <Suspense>); a failed read shows nothing rather than failing the row.
 */
export async function AlertCell({ model, fleet }: { model: string; fleet: Promise<Map<string, FiringSummary> | null> }) {
  const s = (await fleet)?.get(model);
  if (!s) return null;
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
      {s.count} {s.count === 1 ? "alert" : "alerts"} firing · {s.severity}
    </Link>
  );
}
