import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { ModelBreadcrumb, ModelTabs } from "@/components/model/ModelNav";
import { RangeControls } from "@/components/model/RangeControls";
import { ChartSkeleton, Skeleton } from "@/components/ui/Skeleton";
import { Time } from "@/components/ui/Time";
import { taskLabel } from "@/lib/domain/model";
import { formatCount } from "@/lib/format";
import { getModel } from "@/lib/queries/getModel";
import { AlertStripSection } from "./_alerts/AlertStripSection";
import { ConfidenceCard, ConfusionCard, keyOf, LatencyCard, PerformanceCard, PredictionsCard, QualityCard, RequestsCard } from "./_charts/Charts";
import { SloSection } from "./_slo/SloSection";
import { parseModelView, RANGES } from "./searchParams";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ model: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).model) };
}

export default async function ModelPage({ params, searchParams }: Props) {
  const id = decodeURIComponent((await params).model);
  const [model, sp] = await Promise.all([getModel(id, { labels: false }), searchParams]);
  if (!model) notFound();
  const firstEvent = model.versions.length > 0 ? new Date(Math.min(...model.versions.map((v) => Date.parse(v.firstSeen)))) : null;
  const view = parseModelView(sp, new Date(), firstEvent);
  const cards = [
    { C: RequestsCard, label: "Loading requests" },
    { C: LatencyCard, label: "Loading latency" },
    { C: PredictionsCard, label: "Loading predictions" },
    { C: ConfidenceCard, label: "Loading confidence" },
    { C: PerformanceCard, label: "Loading performance" },
    { C: ConfusionCard, label: "Loading the confusion matrix" },
    { C: QualityCard, label: "Loading data quality" },
  ];
  const enc = encodeURIComponent(model.id);
  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <ModelBreadcrumb id={model.id} name={model.name} current="performance" />
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0">
            <h1 className="break-all text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100 sm:break-normal">{model.name}</h1>
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="model-facts">
              {taskLabel(model.task)}
              {model.classes.length > 0 && <> · classes {model.classes.join(", ")}</>} · {formatCount(model.counts.events)} {model.counts.events === 1 ? "event" : "events"} ·{" "}
              {formatCount(model.counts.labelled)} labelled
            </p>
          </div>
          <ModelTabs id={model.id} current="performance" />
        </div>
        <dl className="grid gap-x-6 gap-y-1 text-xs text-slate-600 dark:text-slate-400 sm:flex sm:flex-wrap">
          <div className="flex gap-1.5">
            <dt>Versions:</dt>
            <dd data-testid="versions">
              {model.versions.length === 0
                ? "none reported"
                : model.versions.map((v, i) => (
                    <span key={v.version}>
                      {i > 0 && ", "}
                      <span className="font-medium text-slate-800 dark:text-slate-200">{v.version}</span> since <Time iso={v.firstSeen} />
                    </span>
                  ))}
            </dd>
          </div>
          <div className="flex gap-1.5">
            <dt>Reference:</dt>
            <dd data-testid="reference">
              {model.reference ? (
                <>
                  {formatCount(model.reference.rows)} rows{model.reference.version ? ` (version ${model.reference.version})` : ""}, uploaded{" "}
                  <Time iso={model.reference.createdAt} />
                </>
              ) : (
                <Link href={`/models/${enc}/drift`} className="text-sky-700 underline underline-offset-2 dark:text-sky-400">
                  none yet — how to upload one
                </Link>
              )}
            </dd>
          </div>
        </dl>
      </div>

      <Suspense fallback={<Skeleton className="h-9 w-full" label="Loading alerts" />}>
        <AlertStripSection model={model.id} view={view} viewKey={keyOf(view)} />
      </Suspense>

      <RangeControls
        ranges={Object.keys(RANGES)}
        range={view.range}
        from={view.from.toISOString()}
        to={view.to.toISOString()}
        versions={model.versions.map((v) => v.version)}
        version={view.version}
        segments={view.segments}
      />
      <p className="-mt-3 text-xs text-slate-500 dark:text-slate-400" data-testid="range-note" data-from={view.from.toISOString()} data-to={view.to.toISOString()} data-step={view.stepMs}>
        <Time iso={view.from.toISOString()} /> – <Time iso={view.to.toISOString()} />, {view.stepMs >= 3_600_000 ? `${view.stepMs / 3_600_000} h` : `${view.stepMs / 60_000} min`} buckets. Drag across a chart to zoom in;
        ▲ marks where a version first appeared; shaded spans are alerts firing.
      </p>

      <Suspense fallback={<Skeleton className="h-20 w-full" label="Loading SLOs" />}>
        <SloSection model={model.id} />
      </Suspense>

      {model.counts.events === 0 ? (
        <section className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm dark:border-slate-700 dark:bg-slate-900" data-testid="model-empty">
          <h2 className="text-base font-semibold">No predictions yet</h2>
          <p className="mt-1 text-slate-600 dark:text-slate-400">
            This model is defined but has not sent a prediction. Post one with <code>POST /api/v1/predictions</code> and <code>&quot;model&quot;: &quot;{model.id}&quot;</code>; the charts
            fill in as events arrive.
          </p>
        </section>
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          {cards.map(({ C, label }) => (
            <Suspense key={label} fallback={<ChartSkeleton label={label} height="h-[180px]" />}>
              <C model={model.id} view={view} />
            </Suspense>
          ))}
        </div>
      )}
    </div>
  );
}
