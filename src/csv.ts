import type { Options } from 'csv-stringify'

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets
 * a leading apostrophe, as OWASP advises: meeting and course names are typed by anyone.
 */
const neutraliseCsvCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value)

/** csv-stringify options shared by every CSV the service writes: `;` like Pod's, cells neutralised. */
export const csvOptions: Options = { delimiter: ';', cast: { string: neutraliseCsvCell } }
