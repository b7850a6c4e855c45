import { onShutdown } from "../../lifecycle";
import { evaluateOnce } from "./cycle";

type LoopGlobal = { __driftwatchAlertLoop?: ReturnType<typeof setTimeout>; __driftwatchAlertRun?: Promise<unknown>; __driftwatchAlertStopped?: boolean };

/** Seconds between cycles: DRIFTWATCH_ALERTS_INTERVAL_SECONDS (default 15; 0 turns the evaluator off in this process). */
export function evaluationInterval(): number {
  const raw = process.env.DRIFTWATCH_ALERTS_INTERVAL_SECONDS;
  const v = raw === undefined || raw === "" ? 15 : Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`DRIFTWATCH_ALERTS_INTERVAL_SECONDS must be an integer ≥ 0, got ${JSON.stringify(raw)}`);
  return v;
}

/**
 * Evaluates the alert rules every interval (started by instrumentation.ts in every server process). Cycles are the
 * interval's slots since the epoch (…:00, :15, :30, :45): every process tries each slot, the lease row lets exactly
 * one of them evaluate it.
 */
export function startAlertEvaluator(intervalSeconds = evaluationInterval()) {
  const g = globalThis as LoopGlobal;
  if (g.__driftwatchAlertLoop || intervalSeconds === 0) return;
  g.__driftwatchAlertStopped = false;
  const step = intervalSeconds * 1000;
  const schedule = () => {
    if (g.__driftwatchAlertStopped) return;
    const next = Math.floor(Date.now() / step) * step + step;
    g.__driftwatchAlertLoop = setTimeout(() => {
      g.__driftwatchAlertRun = evaluateOnce(new Date(next))
        .catch((err) => console.error("[driftwatch] alert evaluation failed:", err))
        .finally(() => {
          g.__driftwatchAlertRun = undefined;
          schedule();
        });
    }, next - Date.now());
    g.__driftwatchAlertLoop.unref?.();
  };
  schedule();
  // On SIGTERM the server stops the timer and waits for a cycle in progress (its lease is then released).
  onShutdown("alert evaluation", stopAlertEvaluator);
}

/** Stops the loop; resolves once a cycle that was running has finished. */
export async function stopAlertEvaluator(): Promise<void> {
  const g = globalThis as LoopGlobal;
  g.__driftwatchAlertStopped = true;
  if (g.__driftwatchAlertLoop) clearTimeout(g.__driftwatchAlertLoop);
  g.__driftwatchAlertLoop = undefined;
  await g.__driftwatchAlertRun;
}
