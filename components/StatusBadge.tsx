import type { ModelStatus } from "@/lib/status/modelStatus";

const STYLES: Record<ModelStatus, { label: string; className: string }> = {
  healthy: { label: "Healthy", className: "bg-emerald-50 text-emerald-800 ring-emerald-600/20" },
  warning: { label: "Warning", className: "bg-amber-50 text-amber-800 ring-amber-600/20" },
  critical: { label: "Critical", className: "bg-red-50 text-red-800 ring-red-600/20" },
  no_data: { label: "No data", className: "bg-slate-100 text-slate-600 ring-slate-500/20" },
};

/** A model's status as a coloured pill with a text label (never colour alone). */
export function StatusBadge({ status }: { status: ModelStatus }) {
  const s = STYLES[status];
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.className}`}>
      {s.label}
    </span>
  );
}
