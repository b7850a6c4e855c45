import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ModelBreadcrumb, ModelTabs } from "@/components/model/ModelNav";
import { SloCard } from "@/components/slo/SloCard";
import { SloEmpty } from "@/components/slo/SloEmpty";
import { Time } from "@/components/ui/Time";
import { modelName } from "@/lib/queries/modelName";
import { siteUrl } from "@/lib/http/siteUrl";
import { getSlos } from "@/lib/queries/getSlos";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ model: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `SLOs · ${decodeURIComponent((await params).model)}` };
}

/** /models/<model>/slos: every SLO of the model with its error budget and burn-rate rows, as the SLO API gives them. */
export default async function SlosPage({ params }: Props) {
  const model = decodeURIComponent((await params).model);
  const res = await getSlos(model);
  if (!res) notFound();
  const name = await modelName(model);
  return (
    <div className="space-y-5" data-testid="slo-page" data-window-end={res.windowEnd}>
      <div className="space-y-2">
        <ModelBreadcrumb id={model} name={name} current="slos" />
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">Service-level objectives</h1>
          <ModelTabs id={model} current="slos" />
        </div>
        <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
          Error budget left over each objective&apos;s window, and its burn-rate alerts: a row fires when both its windows
          spend the budget faster than its factor (1× spends it exactly over the window). Evaluated{" "}
          <Time iso={res.evaluatedAt} format="time" testId="slo-evaluated" />.
        </p>
      </div>
      {res.slos.length === 0 ? (
        <SloEmpty model={model} base={await siteUrl()} />
      ) : (
        <div className="grid gap-4 xl:grid-cols-2">
          {res.slos.map((s) => (
            <SloCard key={s.name} slo={s} />
          ))}
        </div>
      )}
    </div>
  );
}
