import Link from "next/link";
import type { Theme } from "@/lib/domain/theme";
import { NavLinks } from "./NavLinks";
import { ThemeToggle } from "./ThemeToggle";

/** The top bar of every dashboard page: the product mark, the sections, and (right) the theme and, later, the viewer. */
export function Header({ theme, right }: { theme: Theme; right?: React.ReactNode }) {
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="mx-auto flex h-12 max-w-7xl items-center gap-2 px-3 sm:gap-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold tracking-tight text-slate-900 dark:text-white">
          <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full bg-emerald-500 ring-4 ring-emerald-500/20" />
          Driftwatch
        </Link>
        <NavLinks />
        <div className="ml-auto flex items-center gap-2">
          {right}
          <ThemeToggle initial={theme} />
        </div>
      </div>
    </header>
  );
}
