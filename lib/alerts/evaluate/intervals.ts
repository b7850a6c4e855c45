/**
 * Firing intervals from an alert's transitions (pure: no I/O), for the model page's chart bands. An alert fires from
 * each transition into `firing` until the next transition out of it (only `resolved` leaves firing), or until
 * `now` while it still fires.
 */

export type TransitionRow = { at: number; from: string; to: string };
export type FiringInterval = { start: number; end: number; open: boolean };

/**
 * The firing intervals of one alert that overlap [from, to), clipped to it. `transitions` must be oldest first and
 * hold every transition in [from, to) plus the last one before `from` (which says whether the alert was firing
 * when the range began). `open` is true for an interval still firing at `now`.
 */
export function firingIntervals(transitions: TransitionRow[], from: number, to: number, now: number): FiringInterval[] {
  const out: FiringInterval[] = [];
  let start: number | null = null;
  for (const t of transitions) {
    if (t.to === "firing") start ??= t.at;
    else if (t.from === "firing" && start !== null) {
      out.push({ start, end: t.at, open: false });
      start = null;
    }
  }
  if (start !== null) out.push({ start, end: Math.max(start, now), open: true });
  return out
    .filter((i) => i.end >= from && i.start < to)
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to), open: i.open }));
}
