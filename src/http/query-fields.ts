import { z } from 'zod'

/** A row id in a path: a positive 32-bit integer (anything else is a 400, never a database error). */
export const rowId = z.coerce.number().int().positive().max(2 ** 31 - 1)
export const idParams = z.strictObject({ id: rowId })

/** A form field left empty means "not set" (HTML forms send every field). */
export const blankAsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
/** A day's first instant (UTC). */
export const startOfDay = (day: string) => new Date(`${day}T00:00:00Z`)
/** The first instant after a day: a `to` day is included whole. */
export const afterDay = (day: string) => new Date(startOfDay(day).getTime() + 86_400_000)

/** `?limit=&offset=` of the admin lists: 50 rows by default, 500 at most. */
export const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
}

/** A source's name in a path. */
export const sourceParams = z.strictObject({ name: z.string().max(63) })
