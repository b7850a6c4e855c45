/**
 * A bench/read generator thread: answers `{ h }` with generateHour's result. Folding events into rollups costs
 * ~40 µs per event with 20 features (RollupBatch.addEvent), so one thread cannot feed 10M events in minutes.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ModelContext } from "../../lib/rollups/context";
import { generateHour, type LoadPlan } from "./hour";

// safe because load.ts passes exactly this shape as workerData
const { plan, ctxs } = workerData as { plan: LoadPlan; ctxs: Map<string, ModelContext> };

parentPort!.on("message", (msg: { h: number }) => {
  parentPort!.postMessage(generateHour(plan, ctxs, msg.h));
});
