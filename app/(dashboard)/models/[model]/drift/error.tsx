"use client";

export default function DriftError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="rounded-xl border border-red-300 bg-red-50 p-5 text-sm text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-testid="drift-error">
      <h2 className="text-base font-semibold">The drift heatmap could not be loaded</h2>
      {error.digest ? (
        <p className="mt-1">
          The server logged the failure with request id <code className="font-mono">{error.digest}</code>.
        </p>
      ) : (
        <p className="mt-1">The page failed in the browser: {error.message}</p>
      )}
      <button type="button" onClick={reset} className="mt-3 rounded-md border border-red-400 px-3 py-1 font-medium">
        Try again
      </button>
    </section>
  );
}
