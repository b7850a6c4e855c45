export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the drift heatmap">
      <div className="h-8 w-40 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-10 w-full max-w-xl animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-96 w-full animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" />
    </div>
  );
}
