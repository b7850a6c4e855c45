/** A grey placeholder block with the given size classes, shown while a part of the page loads. */
export function Skeleton({ className = "h-4 w-full", label }: { className?: string; label?: string }) {
  return (
    <div
      className={`animate-pulse rounded-md bg-slate-200 dark:bg-slate-800 ${className}`}
      {...(label ? { role: "status", "aria-label": label } : { "aria-hidden": true })}
    />
  );
}

/** A chart-sized placeholder: title line and a plot area. */
export function ChartSkeleton({ label = "Loading chart", height = "h-48" }: { label?: string; height?: string }) {
  return (
    <div className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" role="status" aria-label={label} aria-busy="true">
      <Skeleton className="h-4 w-40" />
      <Skeleton className={`${height} w-full`} />
    </div>
  );
}
