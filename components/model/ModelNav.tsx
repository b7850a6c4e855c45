import Link from "next/link";

const VIEWS = [
  { key: "performance", label: "Performance", path: "" },
  { key: "drift", label: "Drift", path: "/drift" },
  { key: "slos", label: "SLOs", path: "/slos" },
] as const;

export type ModelView = (typeof VIEWS)[number]["key"];

/**
 * The trail at the top of every page of a model: Models / <the model's name>, the name linking to the model's page
 * except on that page itself (the same on the performance, drift and SLO pages).
 */
export function ModelBreadcrumb({ id, name, current }: { id: string; name: string; current: ModelView }) {
  return (
    <nav className="min-w-0 truncate text-sm text-slate-500 dark:text-slate-400" aria-label="Breadcrumb">
      <Link href="/" className="hover:underline">
        Models
      </Link>{" "}
      /{" "}
      {current === "performance" ? (
        <span aria-current="page">{name}</span>
      ) : (
        <Link href={`/models/${encodeURIComponent(id)}`} className="hover:underline" title={name !== id ? id : undefined}>
          {name}
        </Link>
      )}
    </nav>
  );
}

/** The model's views as tabs (Performance, Drift, SLOs), the current one marked. */
export function ModelTabs({ id, current }: { id: string; current: ModelView }) {
  const enc = encodeURIComponent(id);
  return (
    <nav aria-label="Model views" className="flex gap-1 text-sm">
      {VIEWS.map((v) =>
        v.key === current ? (
          <span key={v.key} aria-current="page" className="rounded-md bg-slate-100 px-2.5 py-1.5 font-medium text-slate-900 dark:bg-slate-800 dark:text-white">
            {v.label}
          </span>
        ) : (
          <Link
            key={v.key}
            href={`/models/${enc}${v.path}`}
            className="rounded-md px-2.5 py-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white"
          >
            {v.label}
          </Link>
        ),
      )}
    </nav>
  );
}
