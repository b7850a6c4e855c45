import { MODEL_STATUSES, type ModelStatus, statusRank } from "../status/modelStatus";
import type { ModelSummary } from "./listModels";

/** The overview's view of the fleet, from its URL: search text, status filter and sort. Pure. */
export const FLEET_SORTS = ["status", "name", "requests", "errors", "p99", "quality", "last"] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];
export type FleetView = { q: string; status: ModelStatus | null; sort: FleetSort; dir: "asc" | "desc" };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Unknown values fall back to the defaults (worst status first): a hand-edited URL never breaks the page. */
export function parseFleetView(sp: Record<string, string | string[] | undefined>): FleetView {
  const q = (first(sp.q) ?? "").trim().slice(0, 200);
  const status = first(sp.status);
  const sort = first(sp.sort);
  const dir = first(sp.dir);
  const s: FleetSort = (FLEET_SORTS as readonly string[]).includes(sort ?? "") ? (sort as FleetSort) : "status";
  return {
    q,
    status: (MODEL_STATUSES as readonly string[]).includes(status ?? "") ? (status as ModelStatus) : null,
    sort: s,
    dir: dir === "asc" || dir === "desc" ? dir : DEFAULT_DIR[s],
  };
}

/** The direction a column sorts in when first clicked: names A→Z, status worst first, numbers largest first. */
export const DEFAULT_DIR: Record<FleetSort, "asc" | "desc"> = {
  status: "asc",
  name: "asc",
  requests: "desc",
  errors: "desc",
  p99: "desc",
  quality: "desc",
  last: "desc",
};

function key(m: ModelSummary, sort: FleetSort): number | string | null {
  switch (sort) {
    case "status":
      return statusRank(m.status);
    case "name":
      return m.name.toLowerCase();
    case "requests":
      return m.last24h.requests;
    case "errors":
      return m.last24h.errorRate;
    case "p99":
      return m.last24h.latencyP99Ms;
    case "quality":
      return m.last24h.accuracy ?? m.last24h.mae;
    case "last":
      return m.lastEventAt;
  }
}

/** Filter and sort; missing values always sort last, ties by name. */
export function applyFleetView(models: ModelSummary[], v: FleetView): ModelSummary[] {
  const needle = v.q.toLowerCase();
  const kept = models.filter(
    (m) => (!v.status || m.status === v.status) && (!needle || m.name.toLowerCase().includes(needle) || m.id.toLowerCase().includes(needle)),
  );
  const sign = v.dir === "asc" ? 1 : -1;
  return kept.sort((a, b) => {
    const ka = key(a, v.sort);
    const kb = key(b, v.sort);
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      return (ka < kb ? -1 : 1) * sign;
    }
    return a.name.localeCompare(b.name);
  });
}
