"use client";

/**
 * What a page (or part of one) shows when it fails: what failed, the request id the server logged it under (Next's
 * error digest) so an operator can find it, or the browser's message when the failure happened in the browser.
 */
export function ErrorState({
  title,
  error,
  reset,
  testId = "error-state",
}: {
  title: string;
  error: Error & { digest?: string };
  reset?: () => void;
  testId?: string;
}) {
  return (
    <section
      role="alert"
      data-testid={testId}
      className="rounded-xl border border-red-300 bg-red-50 p-5 text-sm text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h2 className="text-base font-semibold">{title}</h2>
      {error.digest ? (
        <p className="mt-1">
          The server logged the failure with request id <code className="font-mono">{error.digest}</code>.
        </p>
      ) : (
        <p className="mt-1">The page failed in the browser: {error.message}</p>
      )}
      {reset && (
        <button type="button" onClick={reset} className="mt-3 rounded-md border border-red-400 px-3 py-1 font-medium hover:bg-red-100 dark:hover:bg-red-900">
          Try again
        </button>
      )}
    </section>
  );
}
