import type HandlebarsNs from 'handlebars'
import { translate, type Language } from './i18n.ts'

type Options = HandlebarsNs.HelperOptions
const langOf = (options: Options): Language => options.data?.root?.lang ?? 'fr'

export function formatDuration(lang: Language, seconds: number): string {
  const minutes = Math.round(seconds / 60)
  const h = Math.floor(minutes / 60)
  return h ? translate(lang, 'duration.hm', { h, m: String(minutes % 60).padStart(2, '0') }) : translate(lang, 'duration.m', { m: minutes })
}

export const formatDate = (lang: Language, value: Date | string, withTime = true) =>
  new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: 'Europe/Paris' }).format(new Date(value))

/** Helpers of the templates; the language comes from the page's root context. */
export function registerHelpers(hbs: typeof HandlebarsNs) {
  hbs.registerHelper('t', function (key: string, options: Options) {
    return translate(langOf(options), key, options.hash)
  })
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''))
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('date', function (value: Date | string, options: Options) {
    return formatDate(langOf(options), value)
  })
  hbs.registerHelper('duration', function (seconds: number, options: Options) {
    return formatDuration(langOf(options), seconds)
  })
}
