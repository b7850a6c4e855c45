/**
 * The drift page's URL state, parsed in one place (STYLE 8): every allowed value is defined once here.
 * Unknown or malformed values fall back to the defaults, so a hand-edited URL still opens a page.
 */
export const DRIFT_VIEW_METHODS = ["verdict", "psi", "js", "hellinger", "chi2", "ks", "wasserstein", "evidently"] as const;
export type DriftViewMethod = (typeof DRIFT_VIEW_METHODS)[number];

/** Window sizes offered, in hours. */
export const DRIFT_STEPS = { "1h": 1, "6h": 6, "1d": 24 } as const;
export type DriftStep = keyof typeof DRIFT_STEPS;

/** Columns (windows) offered; 48 by default, 168 = a week of hours. */
export const DRIFT_COLUMNS = [24, 48, 96, 168] as const;
export type DriftColumns = (typeof DRIFT_COLUMNS)[number];

export const DRIFT_SORTS = ["current", "worst", "drifted", "name", "importance"] as const;
export type DriftSort = (typeof DRIFT_SORTS)[number];

export type DriftViewState = {
  method: DriftViewMethod;
  step: DriftStep;
  cols: DriftColumns;
  /** end of the range (exclusive); null = now, rounded up to the step */
  to: Date | null;
  sort: DriftSort;
  version: string | null;
  /** the opened cell: feature name ("" = the prediction row is "@prediction") and window start */
  cell: { feature: string; start: Date } | null;
};

export const DEFAULT_VIEW: Omit<DriftViewState, "to" | "cell" | "version"> = { method: "verdict", step: "1h", cols: 48, sort: "current" };

/** The prediction row's name in the `cell` parameter. */
export const PREDICTION_ROW = "@prediction";

type Params = Record<string, string | string[] | undefined>;

function one(p: Params, name: string): string | undefined {
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
}

function pick<T extends string | number>(allowed: readonly T[], raw: string | undefined, fallback: T): T {
  return (allowed as readonly (string | number)[]).includes(typeof fallback === "number" ? Number(raw) : (raw as string))
    ? ((typeof fallback === "number" ? Number(raw) : raw) as T)
    : fallback;
}

function time(raw: string | undefined): Date | null {
  if (!raw) return null;
  const d = new Date(/^\d+$/.test(raw) ? Number(raw) : raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function parseDriftView(p: Params): DriftViewState {
  const cellRaw = one(p, "cell");
  let cell: DriftViewState["cell"] = null;
  if (cellRaw) {
    const at = cellRaw.lastIndexOf("@");
    const start = at > 0 ? time(cellRaw.slice(at + 1)) : null;
    if (start) cell = { feature: cellRaw.slice(0, at), start };
  }
  return {
    method: pick(DRIFT_VIEW_METHODS, one(p, "method"), DEFAULT_VIEW.method),
    step: pick(Object.keys(DRIFT_STEPS) as DriftStep[], one(p, "step"), DEFAULT_VIEW.step),
    cols: pick(DRIFT_COLUMNS, one(p, "cols"), DEFAULT_VIEW.cols),
    to: time(one(p, "to")),
    sort: pick(DRIFT_SORTS, one(p, "sort"), DEFAULT_VIEW.sort),
    version: one(p, "version") ?? null,
    cell,
  };
}

/** The `cell` parameter's value: `<feature>@<window start ISO>` (the feature may itself hold "@"; the last one splits). */
export function cellParam(feature: string, startIso: string): string {
  return `${feature}@${startIso}`;
}
