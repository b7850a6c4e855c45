"use client";
import { useActionState } from "react";

type State = { error?: string; email?: string };

/** Email and password; the server action answers with an error to show, or redirects. Works without JavaScript too. */
export function SignInForm({ action, next }: { action: (prev: State, form: FormData) => Promise<State>; next: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const input =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-600/30 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100";
  return (
    <form action={formAction} aria-label="Sign in" className="space-y-4">
      <input type="hidden" name="next" value={next} />
      <label className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Email
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email} className={input} />
      </label>
      <label className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Password
        <input name="password" type="password" autoComplete="current-password" required className={input} />
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-sky-700 px-3 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
