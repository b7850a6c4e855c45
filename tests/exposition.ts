/** A sample line of a Prometheus text exposition, parsed: metric name, labels, value. */
export type ParsedSample = { name: string; labels: Record<string, string>; value: number };

/** Parses the samples of a text 0.0.4 or OpenMetrics exposition (comments skipped; label escapes undone). */
export function parseExposition(text: string): ParsedSample[] {
  const out: ParsedSample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    // dotAll: a label value may hold a raw carriage return or U+2028 (only \\, \" and \n are escaped in the format)
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/s.exec(line);
    if (!m) throw new Error(`unparsable sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l: RegExpExecArray | null;
      while ((l = re.exec(m[2]))) labels[l[1]] = l[2].replace(/\\(.)/gs, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const v = m[3];
    out.push({ name: m[1], labels, value: v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v) });
  }
  return out;
}

/** The samples of one metric whose labels include `match`. */
export function select(samples: ParsedSample[], name: string, match: Record<string, string> = {}): ParsedSample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample of `name` matching `match` (undefined when there is none; throws when several). */
export function valueOf(samples: ParsedSample[], name: string, match: Record<string, string> = {}): number | undefined {
  const found = select(samples, name, match);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}`);
  return found[0]?.value;
}

/** Identity of a series: name and sorted labels. */
export const seriesId = (s: ParsedSample) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
