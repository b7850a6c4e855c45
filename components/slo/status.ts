import type { SloStatus } from "@/lib/alerts/slo/objectives";

export type SloState = "page" | "ticket" | "over_budget" | "ok" | "no_data";

/** The one word an SLO's state is shown with: a firing page row first, then a ticket, then the budget. */
export function sloState(s: SloStatus): SloState {
  if (s.firing.includes("page")) return "page";
  if (s.firing.includes("ticket")) return "ticket";
  if (s.errorBudget.remaining === null) return "no_data";
  return s.errorBudget.remaining < 0 ? "over_budget" : "ok";
}

export const STATE_STYLE: Record<SloState, { label: string; className: string }> = {
  page: { label: "Paging", className: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30" },
  ticket: { label: "Ticket", className: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30" },
  over_budget: { label: "Over budget", className: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30" },
  ok: { label: "Within budget", className: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30" },
  no_data: { label: "No data", className: "bg-slate-100 text-slate-600 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30" },
};

/** "20.5×", or "—" for a window without events. */
export const formatBurn = (x: number | null) => (x === null ? "—" : `${Number(x.toPrecision(3)).toLocaleString("en-US")}×`);

/** A window length as written in the rows ("1h" → "1 h"). */
export const windowLabel = (w: string) => w.replace(/^(\d+)([mhd])$/, "$1 $2");

const SEVERITY: Record<SloState, number> = { page: 4, ticket: 3, over_budget: 2, no_data: 1, ok: 0 };

/** The SLO in the worst state (paging first), for a one-line summary; null without SLOs. */
export function worstSlo(slos: SloStatus[]): { slo: SloStatus; state: SloState } | null {
  let worst: { slo: SloStatus; state: SloState } | null = null;
  for (const slo of slos) {
    const state = sloState(slo);
    if (!worst || SEVERITY[state] > SEVERITY[worst.state]) worst = { slo, state };
  }
  return worst;
}
