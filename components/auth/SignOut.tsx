/** The signed-in person and a sign-out button, for the header (an icon on phones, where the bar is full). */
export function SignOut({ email, role, action }: { email: string; role: string; action: () => Promise<void> }) {
  return (
    <form action={action} className="flex items-center gap-2">
      <span className="hidden max-w-48 truncate text-xs text-slate-600 md:inline dark:text-slate-400" title={`${email} (${role})`}>
        {email}
      </span>
      <button
        type="submit"
        title={`Sign out ${email}`}
        className="inline-flex items-center gap-1 whitespace-nowrap rounded-md border border-slate-300 p-1.5 text-xs font-medium text-slate-700 hover:bg-slate-100 sm:px-2 sm:py-1 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        <svg aria-hidden viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="h-4 w-4 sm:hidden">
          <path d="M8 4H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3M12 14l4-4-4-4M16 10H8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="sr-only sm:not-sr-only">Sign out</span>
      </button>
    </form>
  );
}
