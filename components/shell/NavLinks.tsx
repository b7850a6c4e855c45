"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Models", match: (p: string) => p === "/" || p.startsWith("/models") },
  { href: "/alerts", label: "Alerts", match: (p: string) => p.startsWith("/alerts") },
  { href: "/settings", label: "Settings", match: (p: string) => p.startsWith("/settings") },
];

/** The main sections; the current one is marked for screen readers (aria-current) and by weight and colour. */
export function NavLinks() {
  const path = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="flex items-center gap-0.5 text-sm sm:gap-1">
      {LINKS.map((l) => {
        const current = l.match(path);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={current ? "page" : undefined}
            className={`rounded-md px-2 py-1.5 sm:px-2.5 ${
              current
                ? "bg-slate-100 font-medium text-slate-900 dark:bg-slate-800 dark:text-white"
                : "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white"
            }`}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
