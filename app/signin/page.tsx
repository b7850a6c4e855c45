import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/SignInForm";
import { safeNext } from "@/lib/auth/gate";
import { signInAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNext(typeof sp.next === "string" ? sp.next : null);
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-50 px-4 dark:bg-slate-950">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold tracking-tight text-slate-900 dark:text-white">
          <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-emerald-500 ring-4 ring-emerald-500/20" />
          Driftwatch
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <h1 className="mb-1 text-xl font-semibold text-slate-900 dark:text-white">Sign in</h1>
          <p className="mb-5 text-sm text-slate-600 dark:text-slate-400">Use the account an administrator gave you.</p>
          <SignInForm action={signInAction} next={next} />
        </div>
        <p className="mt-4 text-center text-xs text-slate-600 dark:text-slate-400">
          First start? The admin&apos;s password is in <code>admin-password</code> in the data directory, or set with DRIFTWATCH_ADMIN_PASSWORD.
        </p>
      </main>
    </div>
  );
}
