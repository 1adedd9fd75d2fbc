import type HandlebarsNs from 'handlebars'
import { formatDate } from '../dates.ts'
import { hasMessage, translate, type Language } from './i18n.ts'

type Options = HandlebarsNs.HelperOptions
const langOf = (options: Options): Language => options.data?.root?.lang ?? 'fr'
const zoneOf = (options: Options): string => options.data?.root?.timeZone ?? 'Europe/Paris'

export function formatDuration(lang: Language, seconds: number): string {
  const minutes = Math.round(seconds / 60)
  const h = Math.floor(minutes / 60)
  return h ? translate(lang, 'duration.hm', { h, m: String(minutes % 60).padStart(2, '0') }) : translate(lang, 'duration.m', { m: minutes })
}

/** How an owner came to a recording, in words: `moodle-role:editingteacher` is a role with its name. */
function ownerReasonText(lang: Language, reason: string): string {
  const [kind, role] = reason.split(/:(.*)/s)
  return translate(lang, `reason.${kind}`, { role })
}

/**
 * An error's own words on a page: in the reader's language when its code has them, as written
 * (English) on English pages, never on French ones, nor for a server error.
 */
function problemDetail(lang: Language, problem: { status: number; detail?: string; code?: unknown }): string | undefined {
  if (problem.status >= 500) return undefined
  if (typeof problem.code === 'string' && hasMessage(`error.code.${problem.code}`)) return translate(lang, `error.code.${problem.code}`)
  return lang === 'en' ? problem.detail : undefined
}

/** Helpers of the templates; the language comes from the page's root context. */
export function registerHelpers(hbs: typeof HandlebarsNs) {
  hbs.registerHelper('t', function (key: string, options: Options) {
    return translate(langOf(options), key, options.hash)
  })
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''))
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('date', function (value: Date | string, options: Options) {
    return formatDate(langOf(options), value, zoneOf(options))
  })
  hbs.registerHelper('ownerReason', function (reason: string, options: Options) {
    return ownerReasonText(langOf(options), reason)
  })
  hbs.registerHelper('problemDetail', function (problem: { status: number; detail?: string; code?: unknown }, options: Options) {
    return problemDetail(langOf(options), problem)
  })
  hbs.registerHelper('duration', function (seconds: number, options: Options) {
    return formatDuration(langOf(options), seconds)
  })
}
