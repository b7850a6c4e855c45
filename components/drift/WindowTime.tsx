"use client";

import { useSyncExternalStore } from "react";
import { formatUtcWindow, formatWindow } from "./format";

const subscribe = () => () => {};

/**
 * A window's times in the viewer's zone, UTC on hover. The server does not know the viewer's zone: it renders
 * UTC, and the browser switches to local time right after hydration (no mismatch, no stale server zone).
 */
export function WindowTime({ start, end, testId }: { start: string; end: string; testId?: string }) {
  const local = useSyncExternalStore(subscribe, () => true, () => false);
  return (
    <span title={formatUtcWindow(start, end)} data-testid={testId} data-start={start}>
      {local ? formatWindow(start, end) : formatUtcWindow(start, end)}
    </span>
  );
}
