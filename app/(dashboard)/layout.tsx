import { cookies } from "next/headers";
import { Header } from "@/components/shell/Header";
import { THEME_COOKIE, parseTheme } from "@/lib/domain/theme";

/**
 * Every dashboard page renders inside this layout: the header and the page frame. It is the one place where a
 * sign-in gate goes (check the session here, redirect to the sign-in page), so no page has to remember it.
 */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-slate-900">
        Skip to content
      </a>
      <Header theme={theme} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        {children}
      </main>
    </>
  );
}
