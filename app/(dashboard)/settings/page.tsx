import Link from "next/link";
import type { Metadata } from "next";
import { ApiKeys } from "@/components/settings/ApiKeys";
import { Users } from "@/components/settings/Users";
import { Card } from "@/components/alerts/ui";
import { Time } from "@/components/ui/Time";
import { listApiKeys } from "@/lib/auth/apiKeys";
import { listAudit } from "@/lib/auth/audit";
import { currentSession } from "@/lib/auth/current";
import { listUsers } from "@/lib/auth/users";
import { createKeyAction, createUserAction, revokeKeyAction, updateUserAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings" };

const TABS = [
  { id: "users", label: "Users" },
  { id: "keys", label: "API keys" },
  { id: "audit", label: "Audit log" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const tab: Tab = TABS.some((t) => t.id === sp.tab) ? (sp.tab as Tab) : "users";
  const session = await currentSession();
  const header = (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">Who may sign in, the API keys, and who changed what.</p>
    </div>
  );
  if (session?.user.role !== "admin") {
    return (
      <div className="space-y-6">
        {header}
        <p role="note" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          Settings are for admins. You are signed in as {session?.user.email} ({session?.user.role}); ask an admin to change users or keys.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      {header}
      <nav aria-label="Settings sections" className="flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-700">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`/settings?tab=${t.id}`}
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
      {tab === "users" && (
        <Card title="Users" id="users">
          <Users users={await listUsers()} me={session.user.id} actions={{ create: createUserAction, update: updateUserAction }} />
        </Card>
      )}
      {tab === "keys" && (
        <Card title="API keys" id="keys">
          <ApiKeys keys={await listApiKeys()} actions={{ create: createKeyAction, revoke: revokeKeyAction }} />
        </Card>
      )}
      {tab === "audit" && <AuditLog />}
    </div>
  );
}

async function AuditLog() {
  const entries = await listAudit({ limit: 200 });
  return (
    <Card title="Audit log" id="audit">
      <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">The latest 200 changes (all of them: GET /api/v1/audit?before=&lt;id&gt;).</p>
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Audit log table">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-600 dark:text-slate-400">
            <tr>
              <th className="py-2 pr-3 font-medium">When</th>
              <th className="py-2 pr-3 font-medium">Who</th>
              <th className="py-2 pr-3 font-medium">What</th>
              <th className="py-2 font-medium">On</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-entry">
                <td className="whitespace-nowrap py-1.5 pr-3 text-slate-600 dark:text-slate-400">
                  <Time iso={e.at} format="datetime" />
                </td>
                <td className="py-1.5 pr-3">{e.actor}</td>
                <td className="py-1.5 pr-3 font-mono text-xs">{e.action}</td>
                <td className="break-all py-1.5">{e.target ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
