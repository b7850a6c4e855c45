"use client";
import { useState, useTransition } from "react";
import { ActionMessage, dangerButton, inputClass, labelClass, primaryButton, secondaryButton, type ActionResult } from "@/components/alerts/ui";
import { Time } from "@/components/ui/Time";

type User = { id: string; email: string; name: string | null; role: string; disabled: boolean; lastSignInAt: string | null };
type Actions = {
  create: (input: { email: string; name?: string; role: string; password: string }) => Promise<ActionResult>;
  update: (id: string, change: { role?: string; disabled?: boolean; password?: string }) => Promise<ActionResult>;
};
const ROLES = ["viewer", "editor", "admin"] as const;

/** Users: add one with a role and a first password; change a role; disable or enable. */
export function Users({ users, me, actions }: { users: User[]; me: string; actions: Actions }) {
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<ActionResult>) => start(async () => setResult(await fn()));
  return (
    <div className="space-y-6">
      <form
        aria-label="New user"
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const form = e.currentTarget;
          run(async () => {
            const r = await actions.create({ email: String(f.get("email")), name: String(f.get("name") || ""), role: String(f.get("role")), password: String(f.get("password")) });
            if (r.ok) form.reset();
            return r;
          });
        }}
      >
        <label className={labelClass}>
          Email
          <input name="email" type="email" required className={`mt-1 ${inputClass}`} />
        </label>
        <label className={labelClass}>
          Name
          <input name="name" className={`mt-1 ${inputClass}`} />
        </label>
        <label className={labelClass}>
          Role
          <select name="role" defaultValue="viewer" className={`mt-1 ${inputClass}`}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className={labelClass}>
          First password
          <input name="password" type="password" autoComplete="new-password" required minLength={12} className={`mt-1 ${inputClass}`} />
        </label>
        <button type="submit" disabled={pending} className={primaryButton}>
          Add user
        </button>
      </form>
      <form
        aria-label="Set a password"
        className="grid gap-3 sm:grid-cols-3 sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const form = e.currentTarget;
          run(async () => {
            const r = await actions.update(String(f.get("user")), { password: String(f.get("password")) });
            if (r.ok) form.reset();
            return r;
          });
        }}
      >
        <label className={labelClass}>
          User
          <select name="user" defaultValue={me} className={`mt-1 ${inputClass}`}>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </label>
        <label className={labelClass}>
          New password
          <input name="password" type="password" autoComplete="new-password" required minLength={12} className={`mt-1 ${inputClass}`} />
        </label>
        <button type="submit" disabled={pending} className={secondaryButton}>
          Set password
        </button>
      </form>
      <ActionMessage result={result} />
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Users table">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-600 dark:text-slate-400">
            <tr>
              <th className="py-2 pr-3 font-medium">User</th>
              <th className="py-2 pr-3 font-medium">Role</th>
              <th className="py-2 pr-3 font-medium">Last sign-in</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
            {users.map((u) => (
              <tr key={u.id} data-testid="user">
                <td className="py-2 pr-3">
                  <div className="font-medium">{u.email}</div>
                  {u.name && <div className="text-xs text-slate-600 dark:text-slate-400">{u.name}</div>}
                  {u.disabled && <div className="text-xs font-medium text-red-700 dark:text-red-300">disabled</div>}
                </td>
                <td className="py-2 pr-3">
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    disabled={pending}
                    onChange={(e) => run(() => actions.update(u.id, { role: e.target.value }))}
                    className={inputClass}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td className="py-2 pr-3 text-slate-600 dark:text-slate-400">{u.lastSignInAt ? <Time iso={u.lastSignInAt} /> : "never"}</td>
                <td className="py-2 text-right">
                  {u.id !== me && (
                    <button
                      type="button"
                      disabled={pending}
                      className={u.disabled ? secondaryButton : dangerButton}
                      onClick={() => run(() => actions.update(u.id, { disabled: !u.disabled }))}
                    >
                      {u.disabled ? `Enable ${u.email}` : `Disable ${u.email}`}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
