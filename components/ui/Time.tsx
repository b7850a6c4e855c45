"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};
const FORMATS = {
  datetime: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
  date: { year: "numeric", month: "short", day: "numeric" },
  time: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * A moment in the viewer's time zone, with UTC on hover. The server cannot know the viewer's zone, so it renders
 * UTC and the browser switches to local time right after hydration (no hydration mismatch).
 */
export function Time({ iso, format = "datetime", testId }: { iso: string; format?: keyof typeof FORMATS; testId?: string }) {
  const local = useSyncExternalStore(subscribe, () => true, () => false);
  const d = new Date(iso);
  const utc = `${iso.replace(".000Z", "Z")} (UTC)`;
  const text = new Intl.DateTimeFormat(undefined, { ...FORMATS[format], ...(local ? {} : { timeZone: "UTC" }) }).format(d) + (local ? "" : " UTC");
  return (
    <time dateTime={iso} title={utc} data-testid={testId}>
      {text}
    </time>
  );
}
