import Link from "next/link";
import type { Metadata } from "next";
import { ApiKeys } from "@/components/settings/ApiKeys";
import { Users } from "@/components/settings/Users";
import { Retention } from "@/components/settings/Retention";
import { Card } from "@/components/alerts/ui";
import { Time } from "@/components/ui/Time";
import { listApiKeys } from "@/lib/auth/apiKeys";
import { listAudit } from "@/lib/auth/audit";
import { currentSession, roleAtLeast } from "@/lib/auth/current";
import type { Role } from "@/lib/auth/roles";
import { listUsers } from "@/lib/auth/users";
import { getRetention } from "@/lib/retention/settings";
import { ModelsSettings } from "./ModelsSettings";
import { createKeyAction, createUserAction, revokeKeyAction, setRetentionAction, updateUserAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings" };

// Who sees each section: models for everyone signed in (editors change them, as their ingest scope may through the
// API); the rest for admins.
const TABS: { id: string; label: string; role: Role }[] = [
  { id: "users", label: "Users", role: "admin" },
  { id: "keys", label: "API keys", role: "admin" },
  { id: "models", label: "Models", role: "viewer" },
  { id: "retention", label: "Retention", role: "admin" },
  { id: "audit", label: "Audit log", role: "admin" },
];

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const session = await currentSession();
  const role: Role = session?.user.role ?? "viewer";
  const tabs = TABS.filter((t) => roleAtLeast(role, t.role));
  const tab = tabs.find((t) => t.id === sp.tab)?.id ?? tabs[0].id;
  const header = (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">Who may sign in, the API keys, each model&apos;s definition and reference, how long raw events stay, and who changed what.</p>
    </div>
  );
  return (
    <div className="space-y-6">
      {header}
      {role !== "admin" && (
        <p role="note" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          Settings are for admins. You are signed in as {session?.user.email} ({role}):{" "}
          {role === "editor" ? "you may change the models' definitions and references" : "you see the models read-only"}; ask an admin to change users, keys or
          retention.
        </p>
      )}
      <nav aria-label="Settings sections" className="flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-700">
        {tabs.map((t) => (
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
      {tab === "users" && session && (
        <Card title="Users" id="users">
          <Users users={await listUsers()} me={session.user.id} actions={{ create: createUserAction, update: updateUserAction }} />
        </Card>
      )}
      {tab === "keys" && (
        <Card title="API keys" id="keys">
          <ApiKeys keys={await listApiKeys()} actions={{ create: createKeyAction, revoke: revokeKeyAction }} />
        </Card>
      )}
      {tab === "models" && <ModelsSettings selected={typeof sp.model === "string" ? sp.model : undefined} canEdit={roleAtLeast(role, "editor")} />}
      {tab === "retention" && (
        <Card title="Raw-event retention" id="retention">
          <Retention setting={await getRetention()} save={setRetentionAction} />
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
