"use client";
import { useState, useTransition } from "react";
import { ActionMessage, Card, inputClass, labelClass, primaryButton, type ActionResult } from "./ui";

/** Asks for an API key (or the admin token) before showing alerting; it is kept in an httpOnly cookie. */
export function SignIn({ signIn }: { signIn: (token: string) => Promise<ActionResult> }) {
  const [token, setToken] = useState("");
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="max-w-lg">
      <Card title="Sign in" id="sign-in">
        <form
          aria-label="Sign in"
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            start(async () => setResult(await signIn(token)));
          }}
        >
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Alerting shows who is paged and where. Paste an API key with the <code>read</code> scope to look, or{" "}
            <code>admin</code> to change rules, silences and channels (the bootstrap token is in <code>.data/admin-token</code>).
          </p>
          <label className="block">
            <span className={labelClass}>API key</span>
            <input className={inputClass} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
          <ActionMessage result={result} />
          <button type="submit" className={primaryButton} disabled={pending || !token}>
            Sign in
          </button>
        </form>
      </Card>
    </div>
  );
}
