import Link from "next/link";
import type { Metadata } from "next";
import { Channels } from "@/components/alerts/Channels";
import { SilenceForm } from "@/components/alerts/SilenceForm";
import { SilenceList } from "@/components/alerts/SilenceList";
import { Card } from "@/components/alerts/ui";
import { listChannels, listDeliveries } from "@/lib/alerts/notify/channels";
import { listSilences } from "@/lib/alerts/notify/silences";
import {
  createChannelAction,
  createSilenceAction,
  deleteChannelAction,
  expireSilenceAction,
  setChannelEnabledAction,
  testChannelAction,
} from "./actions";
import { currentViewer } from "./gate";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Alerts" };

const TABS = [
  { id: "silences", label: "Silences" },
  { id: "channels", label: "Channels" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const tab: Tab = TABS.some((t) => t.id === sp.tab) ? (sp.tab as Tab) : "silences";
  const viewer = await currentViewer();
  const header = (
    <div className="flex flex-wrap items-end justify-between gap-2">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Alerts</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Who is told about alerts, and what is muted.</p>
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
      {tab === "silences" && <SilencesTab />}
      {tab === "channels" && <ChannelsTab reveal={viewer.canEdit} />}
    </div>
  );
}

async function SilencesTab() {
  const silences = await listSilences();
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="New silence" id="new-silence">
        <SilenceForm create={createSilenceAction} />
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
