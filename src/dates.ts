/** The calendar date of an instant in a time zone, as YYYY-MM-DD (a lecture at 00:30 Paris time is that day's). */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

/**
 * Calendar days from `now` to `deadline`, both read in the time zone people live in: the teacher's
 * banner and the admin's dashboard count the same days (0 on the day itself, negative after).
 */
export function daysUntil(deadline: Date, now: Date, timeZone: string): number {
  const day = (instant: Date) => Date.parse(`${localDate(instant, timeZone)}T00:00:00Z`)
  return Math.round((day(deadline) - day(now)) / 86_400_000)
}
