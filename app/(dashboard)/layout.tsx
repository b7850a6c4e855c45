import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SignOut } from "@/components/auth/SignOut";
import { currentSession } from "@/lib/auth/current";
import { Header } from "@/components/shell/Header";
import { signOutAction } from "../signin/actions";
import { THEME_COOKIE, parseTheme } from "@/lib/domain/theme";

/**
 * Every dashboard page renders inside this layout: the header and the page frame. It is the one place where a
 * sign-in gate goes (check the session here, redirect to the sign-in page), so no page has to remember it.
 */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  // proxy.ts already sent anyone without a session to /signin; this second check keeps the pages closed even
  // if the proxy's matcher were ever narrowed, and gives the header the signed-in person.
  const session = await currentSession();
  if (!session) redirect("/signin");
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-slate-900">
        Skip to content
      </a>
      <Header theme={theme} right={<SignOut email={session.user.email} role={session.user.role} action={signOutAction} />} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        {children}
      </main>
    </>
  );
}
