"use client";

import { ErrorState } from "@/components/ui/ErrorState";

export default function SlosError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState title="The SLOs could not be loaded" error={error} reset={reset} testId="slo-error" />;
}
