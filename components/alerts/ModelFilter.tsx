"use client";
import { useRouter } from "next/navigation";
import { alertsHref } from "./format";
import { inputClass } from "./ui";

/** Narrows the alerts list to one model (kept in the URL with the state filter). */
export function ModelFilter({ models, value, state }: { models: string[]; value: string | null; state: string | null }) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-slate-600 dark:text-slate-400">Model</span>
      <select
        className={`${inputClass} w-auto max-w-[14rem]`}
        value={value ?? ""}
        onChange={(e) => router.push(alertsHref({ state, model: e.target.value || null }))}
      >
        <option value="">All models</option>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </label>
  );
}
