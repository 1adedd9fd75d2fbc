/** Every date people read (pages, e-mails), in one time zone (TIMEZONE): "31 janvier 2027 à 10:00". */
export const formatDate = (lang: 'fr' | 'en', value: Date | string, timeZone: string, withTime = true) =>
  new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}), timeZone }).format(new Date(value))

/** The calendar date of an instant in a time zone, as YYYY-MM-DD (a lecture at 00:30 Paris time is that day's). */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

/**
 * The first instant of a calendar day (YYYY-MM-DD) in a time zone: a shutdown "on 31 January" in
 * Paris starts at 00:00 Paris time, not at midnight UTC.
 */
export function startOfDayIn(day: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`)
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(utcMidnight)).map((p) => [p.type, p.value]))
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return new Date(utcMidnight - (local - utcMidnight))
}

/**
 * Calendar days from `now` to `deadline`, both read in the time zone people live in: the teacher's
 * banner and the admin's dashboard count the same days (0 on the day itself, negative after).
 */
export function daysUntil(deadline: Date, now: Date, timeZone: string): number {
  const day = (instant: Date) => Date.parse(`${localDate(instant, timeZone)}T00:00:00Z`)
  return Math.round((day(deadline) - day(now)) / 86_400_000)
}
