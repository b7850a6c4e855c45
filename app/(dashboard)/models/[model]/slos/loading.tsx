import { ChartSkeleton, Skeleton } from "@/components/ui/Skeleton";

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <Skeleton className="h-8 w-64" label="Loading the model's SLOs" />
      <div className="grid gap-4 xl:grid-cols-2">
        <ChartSkeleton label="Loading an SLO" height="h-40" />
        <ChartSkeleton label="Loading an SLO" height="h-40" />
      </div>
    </div>
  );
}
