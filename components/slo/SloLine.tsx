import Link from "next/link";
import type { SloStatus } from "@/lib/alerts/slo/objectives";
import { worstSlo } from "./status";

const TONE = {
  page: "text-red-700 dark:text-red-300",
  ticket: "text-amber-800 dark:text-amber-300",
  over_budget: "text-amber-800 dark:text-amber-300",
  no_data: "text-slate-600 dark:text-slate-400",
  ok: "text-slate-600 dark:text-slate-400",
} as const;

/** One line under a model's status on the overview: its worst SLO's state, linking to the SLO page. */
export function SloLine({ model, slos }: { model: string; slos: SloStatus[] }) {
  const worst = worstSlo(slos);
  if (!worst) return null;
  const { slo, state } = worst;
  const text =
    state === "page"
      ? `SLO paging: ${slo.name}`
      : state === "ticket"
        ? `SLO ticket: ${slo.name}`
        : state === "over_budget"
          ? `SLO over budget: ${slo.name}`
          : state === "no_data"
            ? "SLOs: no data yet"
            : `SLOs within budget (${slos.length})`;
  return (
    <Link
      href={`/models/${encodeURIComponent(model)}/slos`}
      data-testid="slo-line"
      className={`mt-1 block max-w-40 truncate text-[11px] leading-tight hover:underline ${TONE[state]} ${state === "page" ? "font-medium" : ""}`}
      title={slos.map((s) => `${s.name}: ${s.objective}`).join("\n")}
    >
      {text}
    </Link>
  );
}
