import Link from "next/link";
import { Card } from "@/components/alerts/ui";
import { ModelDefinition, type DriftSettings } from "@/components/settings/ModelDefinition";
import { ReferencePanel } from "@/components/settings/ReferencePanel";
import { taskLabel } from "@/lib/domain/model";
import { DEFAULT_METHOD_THRESHOLDS } from "@/lib/drift/methods";
import { getModel } from "@/lib/queries/getModel";
import { listModelSettings } from "@/lib/queries/listModelSettings";
import { referenceFromWindowAction, saveModelAction } from "./actions";

/** Settings → Models: the models on the left, the chosen one's definition and reference on the right. */
export async function ModelsSettings({ selected, canEdit }: { selected?: string; canEdit: boolean }) {
  const models = await listModelSettings();
  if (models.length === 0) {
    return (
      <Card title="Models" id="models">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No models yet. Define one with <code>PUT /api/v1/models/&lt;id&gt;</code>, or send its first predictions: it is registered from them.
        </p>
      </Card>
    );
  }
  const current = models.find((m) => m.id === selected) ?? models[0];
  const detail = await getModel(current.id, { labels: false });
  if (!detail) return null;
  const types = Object.fromEntries(detail.features.map((f) => [f.name, f.type]));
  return (
    <div className="grid gap-6 lg:grid-cols-[15rem_minmax(0,1fr)] lg:items-start">
      <nav
        aria-label="Models"
        className="max-h-56 overflow-y-auto rounded-xl border border-slate-200 bg-white shadow-sm lg:sticky lg:top-4 lg:max-h-[calc(100vh-8rem)] dark:border-slate-700 dark:bg-slate-900"
      >
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {models.map((m) => {
            const active = m.id === current.id;
            return (
              <li key={m.id}>
                <Link
                  href={`/settings?tab=models&model=${encodeURIComponent(m.id)}`}
                  aria-current={active ? "page" : undefined}
                  className={`block border-l-2 px-3 py-2 text-sm ${
                    active
                      ? "border-sky-700 bg-sky-50 dark:border-sky-400 dark:bg-sky-950/60"
                      : "border-transparent hover:bg-slate-50 dark:hover:bg-slate-800/60"
                  }`}
                >
                  <span className="block truncate font-medium">{m.name}</span>
                  <span className="block truncate text-xs text-slate-600 dark:text-slate-400">
                    {m.features.total} features · {m.reference ? `reference ${m.reference.rows.toLocaleString("en-US")} rows` : "no reference"}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="min-w-0 space-y-6">
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <div className="min-w-0">
            <h2 className="truncate text-lg font-semibold">{detail.name}</h2>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              <code className="font-mono text-[13px]">{detail.id}</code> · {taskLabel(detail.task)}
              {detail.autoRegistered ? " · registered from its events" : ""}
            </p>
          </div>
          <Link href={`/models/${encodeURIComponent(detail.id)}`} className="text-sm font-medium text-sky-800 hover:underline dark:text-sky-300">
            Model page →
          </Link>
        </div>
        <Card title="Definition" id="definition">
          <ModelDefinition
            key={detail.id}
            model={{ id: detail.id, name: detail.name, description: detail.description, task: detail.task, features: detail.features, drift: detail.drift as DriftSettings }}
            thresholds={DEFAULT_METHOD_THRESHOLDS}
            save={canEdit ? saveModelAction : undefined}
          />
        </Card>
        <Card title="Reference" id="reference">
          <ReferencePanel
            key={detail.id}
            model={detail.id}
            reference={detail.reference}
            featureTypes={types}
            rawPrunedBefore={current.rawPrunedBefore}
            fromWindow={canEdit ? referenceFromWindowAction : undefined}
          />
        </Card>
      </div>
    </div>
  );
}
