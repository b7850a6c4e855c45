"use client";

import { ErrorState } from "@/components/ui/ErrorState";

export default function DriftError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState title="The drift heatmap could not be loaded" error={error} reset={reset} testId="drift-error" />;
}
