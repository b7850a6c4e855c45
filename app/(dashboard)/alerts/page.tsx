import Link from "next/link";
import type { Metadata } from "next";
import { Channels } from "@/components/alerts/Channels";
import { SilenceForm } from "@/components/alerts/SilenceForm";
import { SilenceList } from "@/components/alerts/SilenceList";
import { Card } from "@/components/alerts/ui";
import { listChannels, listDeliveries } from "@/lib/alerts/notify/channels";
import { listSilences } from "@/lib/alerts/notify/silences";
import {
  acknowledgeAlertAction,
  createRuleAction,
  deleteRuleAction,
  previewRuleAction,
  setRuleEnabledAction,
  updateRuleAction,
  unacknowledgeAlertAction,
  createChannelAction,
  createSilenceAction,
  deleteChannelAction,
  expireSilenceAction,
  setChannelEnabledAction,
  testChannelAction,
} from "./actions";
import { currentViewer } from "./gate";
import { AlertList, type AlertRow } from "@/components/alerts/AlertList";
import { ALERT_GROUPS, alertsHref } from "@/components/alerts/format";
import { ModelFilter } from "@/components/alerts/ModelFilter";
import { listAlerts } from "@/lib/alerts/evaluate";
import { silencer, type Matcher } from "@/lib/alerts/notify";
import { listRules } from "@/lib/alerts/rules/store";
import { COMPARISONS, RULE_METRICS, SEVERITIES } from "@/lib/alerts/rules/validation";
import { loadModels } from "@/lib/alerts/evaluate/fetch";
import { RulesPanel } from "@/components/alerts/RulesPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Alerts" };

const TABS = [
  { id: "alerts", label: "Alerts" },
  { id: "rules", label: "Rules" },
  { id: "silences", label: "Silences" },
  { id: "channels", label: "Channels" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const tab: Tab = TABS.some((t) => t.id === sp.tab) ? (sp.tab as Tab) : "alerts";
  const viewer = await currentViewer();
  const header = (
    <div className="flex flex-wrap items-end justify-between gap-2">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Alerts</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">What is firing, the rules behind it, who is told, and what is muted.</p>
      </div>
    </div>
  );
  // The dashboard layout lets no one in without a session; this only satisfies the type.
  if (!viewer) return header;
  return (
    <div className="space-y-6">
      {header}
      {!viewer.canEdit && (
        <p role="note" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          You can read only: changes need the editor or admin role.
        </p>
      )}
      <nav aria-label="Alerts sections" className="flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-700">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`/alerts?tab=${t.id}`}
            aria-current={tab === t.id ? "page" : undefined}
            className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              tab === t.id
                ? "border-sky-700 text-sky-800 dark:border-sky-400 dark:text-sky-300"
                : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
            }`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === "alerts" && <AlertsTab sp={sp} canEdit={viewer.canEdit} />}
      {tab === "rules" && <RulesTab canEdit={viewer.canEdit} />}
      {tab === "silences" && <SilencesTab prefill={prefillMatchers(sp.m)} />}
      {tab === "channels" && <ChannelsTab reveal={viewer.canEdit} />}
    </div>
  );
}

/** `?m=alertname=X&m=model_name=y` (from an alert's or a rule's "Silence"): the new silence's matchers. */
function prefillMatchers(m: string | string[] | undefined): Matcher[] {
  const list = m === undefined ? [] : Array.isArray(m) ? m : [m];
  return list
    .slice(0, 20)
    .map((x) => ({ i: x.indexOf("="), x }))
    .filter(({ i }) => i > 0)
    .map(({ i, x }) => ({ name: x.slice(0, i), op: "=" as const, value: x.slice(i + 1) }));
}

async function SilencesTab({ prefill }: { prefill: Matcher[] }) {
  const silences = await listSilences();
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="New silence" id="new-silence">
        <SilenceForm key={JSON.stringify(prefill)} initial={prefill} create={createSilenceAction} />
      </Card>
      <Card title="Silences" id="silences">
        <SilenceList silences={silences} expire={expireSilenceAction} />
      </Card>
    </div>
  );
}

async function ChannelsTab({ reveal }: { reveal: boolean }) {
  const channels = await listChannels(reveal);
  const deliveries = Object.fromEntries(await Promise.all(channels.map(async (c) => [c.id, await listDeliveries(c.id, 20)] as const)));
  return (
    <Card title="Notification channels" id="channels">
      <Channels
        channels={channels}
        deliveries={deliveries}
        actions={{ create: createChannelAction, setEnabled: setChannelEnabledAction, remove: deleteChannelAction, test: testChannelAction }}
      />
    </Card>
  );
}

/** Which alerts the page shows: GET /api/v1/alerts (the same listAlerts), grouped, with rules, silences and acks. */
async function loadAlertRows(now: Date): Promise<AlertRow[]> {
  const [alerts, rules, isSilenced] = await Promise.all([listAlerts(), listRules(), silencer(now)]);
  const byId = new Map(rules.map((r) => [r.id, r]));
  return alerts.map((a) => {
    const rule = a.rule === null ? undefined : byId.get(a.rule);
    const silencedBy = a.state === "firing" || a.state === "pending" ? isSilenced(a.labels) : null;
    const ack = a.acknowledgement;
    return {
      ...a,
      group: a.state === "firing" && silencedBy ? "silenced" : a.state,
      condition: rule ? { metric: rule.metric, comparison: rule.comparison, threshold: rule.threshold, window: rule.window, for: rule.for } : null,
      silencedBy,
      ack: ack && { ackedBy: ack.by, ackedAt: ack.at, comment: ack.comment },
    };
  });
}

async function AlertsTab({ sp, canEdit }: { sp: Record<string, string | string[] | undefined>; canEdit: boolean }) {
  const now = new Date();
  const all = await loadAlertRows(now);
  const state = typeof sp.state === "string" && (ALERT_GROUPS as readonly string[]).includes(sp.state) ? sp.state : null;
  const model = typeof sp.model === "string" && sp.model ? sp.model : null;
  const shown = all.filter((a) => a.group !== "inactive" && (!model || a.model === model));
  const visible = shown.filter((a) => !state || a.group === state);
  const count = (g: string) => shown.filter((a) => a.group === g).length;
  // the model asked for stays selectable even when it has no alerts (a link from its page)
  const models = [...new Set([...all.map((a) => a.model), ...(model ? [model] : [])])].sort();
  const href = (s: string | null) => alertsHref({ state: s, model });
  return (
    <Card
      title={model ? `Alerts on ${model}` : "Current and recent alerts"}
      id="alerts"
      actions={models.length > 1 || model ? <ModelFilter models={models} value={model} state={state} /> : undefined}
    >
      <nav aria-label="Filter by state" className="mb-4 flex flex-wrap gap-2">
        {[null, ...ALERT_GROUPS].map((g) => (
          <Link
            key={g ?? "all"}
            href={href(g)}
            aria-current={state === g ? "true" : undefined}
            className={`rounded-full px-3 py-1 text-sm ring-1 ring-inset ${
              state === g
                ? "bg-sky-50 font-medium text-sky-900 ring-sky-700/40 dark:bg-sky-950 dark:text-sky-100 dark:ring-sky-400/40"
                : "text-slate-700 ring-slate-300 hover:bg-slate-50 dark:text-slate-300 dark:ring-slate-600 dark:hover:bg-slate-800"
            }`}
          >
            {g === null ? "All" : g[0].toUpperCase() + g.slice(1)} <span className="tabular-nums text-slate-500 dark:text-slate-400">{g === null ? shown.length : count(g)}</span>
          </Link>
        ))}
      </nav>
      {visible.length > 0 ? (
        <AlertList alerts={visible} now={now.toISOString()} canEdit={canEdit} actions={{ acknowledge: acknowledgeAlertAction, unacknowledge: unacknowledgeAlertAction }} />
      ) : (
        <NoAlerts filtered={state !== null || model !== null} model={model} />
      )}
    </Card>
  );
}

function NoAlerts({ filtered, model }: { filtered: boolean; model: string | null }) {
  if (filtered) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="alerts-none-match">
        {model ? `No alerts on ${model} match this filter.` : "No alerts match this filter."}{" "}
        <Link href="/alerts" className="text-sky-800 underline dark:text-sky-300">Show all alerts</Link>.
      </p>
    );
  }
  return (
    <div className="space-y-2 text-sm text-slate-600 dark:text-slate-400" data-testid="alerts-empty">
      <p className="font-medium text-slate-800 dark:text-slate-200">Nothing has fired: every rule is quiet.</p>
      <p>
        Every model gets the default rules (latency, errors, traffic, drift, accuracy); they are evaluated every 15 s and an
        alert shows here as soon as one is pending or firing. Add or tune rules on the{" "}
        <Link href="/alerts?tab=rules" className="text-sky-800 underline dark:text-sky-300">
          Rules
        </Link>{" "}
        tab (its preview shows how often a rule would have fired), and add a{" "}
        <Link href="/alerts?tab=channels" className="text-sky-800 underline dark:text-sky-300">
          channel
        </Link>{" "}
        to be told.
      </p>
    </div>
  );
}

async function RulesTab({ canEdit }: { canEdit: boolean }) {
  const [rules, models] = await Promise.all([listRules(), loadModels(null)]);
  return (
    <Card title="Alert rules" id="rules">
      <RulesPanel
        rules={rules}
        options={{ metrics: RULE_METRICS, comparisons: COMPARISONS, severities: SEVERITIES, models: models.map((m) => m.id) }}
        canEdit={canEdit}
        actions={{ create: createRuleAction, update: updateRuleAction, preview: previewRuleAction, setEnabled: setRuleEnabledAction, remove: deleteRuleAction }}
      />
    </Card>
  );
}
