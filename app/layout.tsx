import type { Metadata } from "next";
import localFont from "next/font/local";
import Link from "next/link";
import "./globals.css";

const inter = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  display: "swap",
});

export const metadata: Metadata = {
  title: { default: "Driftwatch", template: "%s · Driftwatch" },
  description: "Monitoring for machine-learning models in production",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" data-theme="system" className={inter.variable}>
      <body className="min-h-screen font-sans">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3 sm:px-6">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-slate-900">
              <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-emerald-500 ring-4 ring-emerald-100" />
              Driftwatch
            </Link>
            <nav className="text-sm text-slate-600">
              <Link href="/" className="rounded px-2 py-1 hover:bg-slate-100 hover:text-slate-900">
                Models
              </Link>
              <Link href="/alerts" className="rounded px-2 py-1 hover:bg-slate-100 hover:text-slate-900">
                Alerts
              </Link>
            </nav>
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">{children}</main>
      </body>
    </html>
  );
}
