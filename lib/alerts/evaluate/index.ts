export { evaluateOnce, type CycleResult, type Transition } from "./cycle";
export { listAlerts, firingCounts, type AlertView } from "./store";
export { startAlertEvaluator, stopAlertEvaluator } from "./loop";
export { advance, replay, ALERT_STATES, type AlertState, type AlertStatus, type Firing } from "./state";
