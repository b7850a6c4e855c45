/**
 * bench/alerts/profile.ts — one evaluation cycle on a kept bench database with every statement's round trip and the
 * JavaScript time between them (where a cycle's time goes).
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/driftwatch_bench_alerts_10m \
 *     npx tsx --conditions=react-server bench/alerts/profile.ts <RFC 3339 time> [cycles]
 */
import pg from "pg";

async function main() {
  const at = Date.parse(process.argv[2]);
  const cycles = Number(process.argv[3] ?? "2");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const proto = pg.Pool.prototype as any;
  const orig = proto.query;
  let log: { text: string; ms: number; rows: number; start: number }[] = [];
  let t0 = 0;
  proto.query = function (text: unknown, values: unknown) {
    const start = performance.now();
    const p = orig.call(this, text, values);
    const label = (typeof text === "string" ? text : JSON.stringify(text)).replace(/\s+/g, " ").slice(0, 90);
    if (p && typeof p.then === "function") {
      return p.then((r: { rowCount?: number; rows?: unknown[] }) => {
        log.push({ text: label, ms: performance.now() - start, rows: r?.rows?.length ?? 0, start: start - t0 });
        return r;
      });
    }
    return p;
  };
  const { evaluateOnce } = await import("../../lib/alerts/evaluate/cycle");
  for (let i = 0; i < cycles; i++) {
    log = [];
    t0 = performance.now();
    const r = await evaluateOnce(new Date(at + i * 15_000));
    const total = performance.now() - t0;
    console.log(`cycle ${i}: ${total.toFixed(0)} ms, ran ${r.ran}, firing ${r.firing}`);
    for (const l of log) console.log(`  @${l.start.toFixed(0).padStart(5)} ${l.ms.toFixed(0).padStart(5)} ms ${String(l.rows).padStart(6)} rows  ${l.text}`);
  }
  process.exit(0);
}
main();
