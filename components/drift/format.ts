/** Display helpers for the drift page's client components (times in the viewer's zone, UTC in titles). */

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const fullFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function formatWindow(startIso: string, endIso: string): string {
  const s = new Date(startIso);
  const e = new Date(endIso);
  const sameDay = s.toDateString() === new Date(e.getTime() - 1).toDateString();
  const hours = (e.getTime() - s.getTime()) / 3_600_000;
  if (hours >= 24 && hours % 24 === 0 && s.getHours() === 0) return hours === 24 ? dayFmt.format(s) : `${dayFmt.format(s)} – ${dayFmt.format(new Date(e.getTime() - 1))}`;
  return sameDay ? `${fullFmt.format(s)} – ${timeFmt.format(e)}` : `${fullFmt.format(s)} – ${fullFmt.format(e)}`;
}

export function formatUtcWindow(startIso: string, endIso: string): string {
  return `${startIso.replace(".000Z", "Z")} – ${endIso.replace(".000Z", "Z")} (UTC)`;
}

/** A short tick label for a window start. */
export function tickLabel(iso: string, stepHours: number): { main: string; sub: string | null } {
  const d = new Date(iso);
  if (stepHours >= 24) return { main: dayFmt.format(d), sub: null };
  const midnight = d.getHours() === 0 && d.getMinutes() === 0;
  return { main: timeFmt.format(d), sub: midnight ? dayFmt.format(d) : null };
}

/** A statistic with 3 significant digits (small values in exponent form). */
export function formatStat(x: number | null | undefined): string {
  if (x === null || x === undefined) return "—";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 0.001) return x.toExponential(2);
  if (a >= 10000) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return "—";
  if (p === 0) return "< 1e-300";
  if (p < 0.0001) return p.toExponential(1);
  return Number(p.toPrecision(2)).toString();
}
