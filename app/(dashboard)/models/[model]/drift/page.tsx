import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { DriftView } from "@/components/drift/DriftView";
import { ModelBreadcrumb, ModelTabs } from "@/components/model/ModelNav";
import { siteUrl } from "@/lib/http/siteUrl";
import { modelName } from "@/lib/queries/modelName";
import { heatmapData, METHOD_INFO } from "@/components/drift/model";
import { HOUR, ceilMs } from "@/lib/domain/time";
import { ApiError } from "@/lib/errors";
import { RAW_METHODS } from "@/lib/drift/computeDrift";
import { getDrift, MAX_RAW_WINDOWS } from "@/lib/queries/getDrift";
import type { ReadQuery } from "@/lib/queries/params";
import { CellPanel } from "./CellPanel";
import { NoReference } from "./NoReference";
import { DRIFT_COLUMNS, DRIFT_SORTS, DRIFT_STEPS, DRIFT_VIEW_METHODS, parseDriftView } from "./searchParams";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ model: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { model } = await params;
  return { title: `Drift · ${decodeURIComponent(model)}` };
}

export default async function DriftPage({ params, searchParams }: Props) {
  const model = decodeURIComponent((await params).model);
  const view = parseDriftView(await searchParams);
  const stepHours = DRIFT_STEPS[view.step];
  const stepMs = stepHours * HOUR;
  const to = ceilMs((view.to ?? new Date()).getTime(), stepMs);
  const q: ReadQuery = { from: new Date(to - view.cols * stepMs), to: new Date(to), stepMs, version: view.version, segments: {} };

  let series;
  try {
    // only what the heatmap draws: the default verdict, or the one method chosen
    series = await getDrift(model, q, view.method === "verdict" ? [] : [view.method]);
  } catch (err) {
    if (err instanceof ApiError && err.code === "no_reference") return <Shell model={model}><NoReference model={model} base={await siteUrl()} /></Shell>;
    if (err instanceof ApiError && err.status === 422) {
      const details = (err.details as { message?: string }[] | undefined)?.map((d) => d.message).filter(Boolean) ?? [];
      return (
        <Shell model={model}>
          <section role="alert" className="rounded-xl border border-amber-300 bg-amber-50 p-5 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100" data-testid="drift-invalid">
            <h2 className="font-semibold">This view cannot be computed</h2>
            <p className="mt-1">
              {(RAW_METHODS as readonly string[]).includes(view.method)
                ? `${METHOD_INFO[view.method].label} compares each window's raw events, so it shows at most ${MAX_RAW_WINDOWS} windows at a time.`
                : "The drift API refused this view."}
            </p>
            <p className="mt-1 text-amber-900 dark:text-amber-200">The API says: {details.join("; ") || err.message}</p>
            <p className="mt-2">
              <Link className="underline underline-offset-2" href={`/models/${encodeURIComponent(model)}/drift?method=${view.method}&cols=48`}>
                Show 48 windows instead
              </Link>{" "}
              or choose the default verdict.
            </p>
          </section>
        </Shell>
      );
    }
    throw err;
  }
  if (!series) notFound();

  const data = heatmapData(series, view.method);
  const cellKey = view.cell ? `${view.cell.feature}@${view.cell.start.toISOString()}` : null;
  return (
    <Shell model={model} referenceNote={`Reference: ${series.reference.rows.toLocaleString("en-US")} rows${series.reference.version ? `, version ${series.reference.version}` : ""}`}>
      <DriftView
        data={data}
        stepHours={stepHours}
        controls={{
          method: view.method,
          methods: DRIFT_VIEW_METHODS,
          methodLabels: Object.fromEntries(DRIFT_VIEW_METHODS.map((m) => [m, METHOD_INFO[m].label])),
          step: view.step,
          steps: Object.keys(DRIFT_STEPS),
          cols: view.cols,
          colsOptions: DRIFT_COLUMNS,
          rawMethods: RAW_METHODS,
          maxRawCols: MAX_RAW_WINDOWS,
          sort: view.sort,
          sorts: DRIFT_SORTS,
        }}
        detailFor={cellKey}
        detail={
          view.cell ? (
            <Suspense key={cellKey} fallback={<p className="text-sm text-slate-500">Loading…</p>}>
              <CellPanel model={model} feature={view.cell.feature} start={view.cell.start} stepMs={stepMs} version={view.version} />
            </Suspense>
          ) : null
        }
      />
    </Shell>
  );
}

/** The page's frame: the model's trail (by its name, as on the model's page) and tabs, the title, the reference. */
async function Shell({ model, referenceNote, children }: { model: string; referenceNote?: string; children: React.ReactNode }) {
  const name = await modelName(model);
  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <ModelBreadcrumb id={model} name={name} current="drift" />
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0">
            <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">Drift</h1>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Each feature&apos;s drift against the reference, window by window.{referenceNote ? ` ${referenceNote}.` : ""}
            </p>
          </div>
          <ModelTabs id={model} current="drift" />
        </div>
      </div>
      {children}
    </div>
  );
}
