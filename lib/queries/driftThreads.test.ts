// The drift threads: the raw-value methods run off the event loop with exactly the main thread's results.
import fs from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { computeDrift, computeDriftWith, type DriftInput, type DriftMethod, runRawMethod } from "../drift/computeDrift";
import { createProfileBuilder } from "../models/references/profile";
import { createRandom } from "../stats";
import { driftThreadSession, stopDriftThreads } from "./driftThreads";

const rng = createRandom(16);
const N = 6000; // above the radix sort's threshold (4096), and unequal to M: the exact KS p-value's O(n·m) path
const builder = createProfileBuilder({ featureTypes: {}, task: "regression" });
for (let i = 0; i < N; i++) {
  builder.add({
    features: { amount: rng.normal() * 10 + 50, tail: Math.exp(rng.normal() * 2), plan: ["basic", "pro", "team"][i % 3], small: i % 7 },
    prediction: rng.normal(),
  });
}
const profile = builder.finish();
const M = 5000;
const raw: Record<string, unknown[]> = {
  amount: [...Array.from({ length: M }, () => rng.normal() * 10 + 53), null, NaN, -0],
  tail: Array.from({ length: M }, () => Math.exp(rng.normal() * 2.2)),
  plan: [...Array.from({ length: M }, (_, i) => ["basic", "pro", "pro", "enterprise"][i % 4]), null],
  small: Array.from({ length: 500 }, (_, i) => i % 5),
};
const input = (methods: DriftMethod[], extra: Partial<DriftInput> = {}): DriftInput => ({
  profile,
  window: {},
  raw: raw as Record<string, number[] | string[]>,
  prediction: { window: null, raw: Array.from({ length: M }, () => rng.normal() + 0.1) },
  methods,
  ...extra,
});
const RAW: DriftMethod[] = ["ks", "wasserstein", "evidently"];

afterEach(() => {
  delete process.env.DRIFTWATCH_DRIFT_THREADS;
});
afterAll(() => stopDriftThreads());

describe("drift threads", () => {
  it("give exactly the main thread's results (every method, settings with thresholds, only)", async () => {
    const cases: DriftInput[] = [
      input([...RAW, "psi", "chi2"]),
      input(RAW, { thresholds: { numerical: { method: "ks", threshold: 0.01 }, features: { plan: { method: "evidently", threshold: 0.2 } } }, withBins: true }),
      input(["wasserstein"], { only: ["tail"] }),
    ];
    const session = driftThreadSession();
    try {
      for (const c of cases) {
        const direct = computeDrift(c);
        const threaded = await computeDriftWith(c, (jobs) => session.run(jobs));
        // toEqual compares numbers with Object.is: bit-identical, -0 and all
        expect(threaded).toEqual(direct);
        expect(JSON.stringify(threaded)).toBe(JSON.stringify(direct));
      }
    } finally {
      session.close();
    }
    const ks = computeDrift(cases[0]).features.find((f) => f.feature === "amount")!.results.find((r) => r.method === "ks")!;
    expect(ks.detail).toBe("exact");
  });

  it("with DRIFTWATCH_DRIFT_THREADS=0 run on the main thread with the same results", async () => {
    process.env.DRIFTWATCH_DRIFT_THREADS = "0";
    const c = input(RAW);
    const session = driftThreadSession();
    expect(await computeDriftWith(c, (jobs) => session.run(jobs))).toEqual(computeDrift(c));
    session.close();
  });

  it("leave the event loop free while the methods run", async () => {
    // exact KS p-values of unequal samples cost O(n·m): ~10k × 9k steps per job
    const a = Array.from({ length: 10_000 }, () => rng.normal());
    const b = Array.from({ length: 9_000 }, () => rng.normal() + 0.01);
    const jobs = Array.from({ length: 6 }, () => ({ method: "ks" as const, type: "numerical" as const, sample: a, raw: b }));
    const session = driftThreadSession();
    let ticks = 0;
    let running = true;
    const spin = (async () => {
      while (running) {
        await new Promise((r) => setImmediate(r));
        ticks++;
      }
    })();
    const started = performance.now();
    const results = await session.run(jobs);
    const elapsed = performance.now() - started;
    running = false;
    await spin;
    session.close();
    expect(results).toEqual(jobs.map(runRawMethod));
    // the loop turned over and over meanwhile (run inline, the six jobs would have held it the whole time)
    expect(ticks).toBeGreaterThan(20);
    expect(elapsed).toBeGreaterThan(0);
  });

  it("run at a lower priority than the main thread (Linux keeps a nice value per thread)", async () => {
    const session = driftThreadSession();
    await session.run([{ method: "wasserstein", type: "numerical", sample: [1, 2, 3], raw: [2, 3, 4] }]);
    session.close();
    if (!fs.existsSync("/proc/self/task")) return expect(process.platform).not.toBe("linux");
    // field 19 of /proc/<pid>/task/<tid>/stat is the nice value (after the parenthesised command name)
    const nice = (tid: string) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
    const values = fs.readdirSync("/proc/self/task").map(nice);
    expect(nice(String(process.pid))).toBeLessThan(10);
    expect(values).toContain(10);
  });

  it("a thread that dies fails its read, and the next read gets a new thread", async () => {
    const session = driftThreadSession();
    const a = Array.from({ length: 10_000 }, () => rng.normal());
    const b = Array.from({ length: 9_000 }, () => rng.normal());
    const pending = session.run(Array.from({ length: 20 }, () => ({ method: "ks" as const, type: "numerical" as const, sample: a, raw: b })));
    await stopDriftThreads();
    await expect(pending).rejects.toThrow(/drift thread exited/);
    session.close();
    const next = driftThreadSession();
    const job = { method: "ks" as const, type: "numerical" as const, sample: [1, 2, 3, 4], raw: [3, 4, 5, 6, 7] };
    expect(await next.run([job])).toEqual([runRawMethod(job)]);
    next.close();
  });
});
