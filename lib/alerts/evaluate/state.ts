/**
 * An alert's life (pure: no I/O): inactive → pending → firing → resolved, advanced once per evaluation from the
 * metric's value over the rule's window at that time. The same function drives the server's evaluator and the
 * backtest, so a preview fires exactly when the evaluator would have.
 *
 * - The condition holds when the value compares with the threshold as the rule says. A value of null (fewer
 *   samples than the rule's minimum, or no data) never holds.
 * - `for`: the condition must hold at every evaluation for `for` seconds before the alert fires (pending meanwhile);
 *   a single evaluation where it does not hold sends it back to inactive. `for` 0 fires at once.
 * - Hysteresis: a firing alert resolves only once the value is clear of the threshold by HYSTERESIS of it (an error
 *   rate alert at > 1 % resolves at ≤ 0.95 %), so a value hovering at the threshold does not flap. Counts
 *   (`requests`) are whole numbers and resolve as soon as the condition stops holding. A null value resolves.
 * - resolved behaves as inactive for the next incident (it keeps its end time for the page and the notification).
 */

export const ALERT_STATES = ["inactive", "pending", "firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** How far past the threshold (as a share of it) a firing alert's value must go back before it resolves. */
export const HYSTERESIS = 0.05;

export type RuleCondition = {
  metric: string;
  /**
   * ">" | "<" | "increase_pct" | "decrease_pct"; for the relative ones the value is the rise (increase_pct) or the
   * drop (decrease_pct) in percent of the previous window's value, and breaches when above the threshold
   */
  comparison: string;
  threshold: number;
  forSeconds: number;
};

export type AlertStatus = {
  state: AlertState;
  /** when the condition started to hold (pending, firing) */
  activeAt: number | null;
  /** when it fired (kept once resolved) */
  firedAt: number | null;
  resolvedAt: number | null;
};

export const INACTIVE: AlertStatus = { state: "inactive", activeAt: null, firedAt: null, resolvedAt: null };

/** Whether the rule breaches above its threshold (">" and the relative ones) or below it ("<"). */
const above = (rule: RuleCondition) => rule.comparison !== "<";

/** Whether `value` breaches the rule against `threshold`. */
function breaches(rule: RuleCondition, value: number, threshold: number): boolean {
  return above(rule) ? value > threshold : value < threshold;
}

/** The condition that starts an incident. */
export function conditionHolds(rule: RuleCondition, value: number | null): boolean {
  return value !== null && breaches(rule, value, rule.threshold);
}

/** While firing: still firing unless the value is clear of the threshold by the hysteresis margin. */
export function stillFiring(rule: RuleCondition, value: number | null): boolean {
  if (value === null) return false;
  if (rule.metric === "requests") return breaches(rule, value, rule.threshold);
  const margin = Math.abs(rule.threshold) * HYSTERESIS;
  return breaches(rule, value, above(rule) ? rule.threshold - margin : rule.threshold + margin);
}

/** The next status after an evaluation at `at` (ms) that found `value`. */
export function advance(rule: RuleCondition, prev: AlertStatus, value: number | null, at: number): AlertStatus {
  return step(prev, { holds: conditionHolds(rule, value), stillFiring: stillFiring(rule, value), forSeconds: rule.forSeconds }, at);
}

/**
 * The state machine itself, from what an evaluation at `at` found: whether the condition holds (to start an
 * incident or stay pending) and whether a firing alert still fires (the condition with hysteresis). SLO burn-rate
 * alerts call it directly with their row's verdict for both (no `for`, no hysteresis: the short window resolves).
 */
export function step(prev: AlertStatus, found: { holds: boolean; stillFiring: boolean; forSeconds: number }, at: number): AlertStatus {
  switch (prev.state) {
    case "firing":
      return found.stillFiring ? prev : { ...prev, state: "resolved", activeAt: null, resolvedAt: at };
    case "pending":
      if (!found.holds) return { ...prev, state: "inactive", activeAt: null };
      return at - prev.activeAt! >= found.forSeconds * 1000 ? { ...prev, state: "firing", firedAt: at, resolvedAt: null } : prev;
    case "inactive":
    case "resolved":
      if (!found.holds) return prev;
      return found.forSeconds <= 0
        ? { state: "firing", activeAt: at, firedAt: at, resolvedAt: null }
        : { ...prev, state: "pending", activeAt: at };
  }
}

/** A firing that a replay found: when it started and when it resolved (null: still firing at the end). */
export type Firing = { startsAt: number; endsAt: number | null };

/**
 * Replays a rule over values at successive evaluation times (ascending) with `advance`, from inactive, and
 * returns its firings.
 */
export function replay(rule: RuleCondition, points: readonly { at: number; value: number | null }[]): Firing[] {
  const out: Firing[] = [];
  let status = INACTIVE;
  for (const p of points) {
    const next = advance(rule, status, p.value, p.at);
    if (next.state === "firing" && status.state !== "firing") out.push({ startsAt: p.at, endsAt: null });
    if (next.state === "resolved" && status.state === "firing") out[out.length - 1].endsAt = p.at;
    status = next;
  }
  return out;
}
