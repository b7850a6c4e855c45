const integer = new Intl.NumberFormat("en-US");

/** 1234567 → "1,234,567" */
export const formatCount = (n: number) => integer.format(n);

/** 0.01234 → "1.23 %"; null → "—" */
export function formatPercent(ratio: number | null, digits = 2): string {
  return ratio === null ? "—" : `${(ratio * 100).toFixed(digits)} %`;
}

/** Time since `iso` relative to `now`, coarse ("12 s ago", "3 min ago", "5 h ago", "2 d ago"); null → "never". */
export function formatAgo(iso: string | null, now: Date): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** 12.3456 → "12.3 ms"; 1534 → "1.53 s"; null → "—" */
export function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  return ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${ms.toPrecision(3)} ms`;
}

/** A measurement with 3 significant digits; null → "—" */
export function formatNumber(x: number | null): string {
  return x === null ? "—" : Number(x.toPrecision(3)).toLocaleString("en-US");
}
