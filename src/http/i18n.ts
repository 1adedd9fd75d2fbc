import { fr } from './locales/fr.ts'
import { en } from './locales/en.ts'

export const languages = ['fr', 'en'] as const
export type Language = (typeof languages)[number]
type MessageKey = keyof typeof fr
const dictionaries: Record<Language, Record<MessageKey, string>> = { fr, en }

/** The user's choice (cookie) first, then Accept-Language, then French. */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (cookie && (languages as readonly string[]).includes(cookie)) return cookie as Language
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean)
      return { lang: (tag ?? '').toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q) }
    })
    .filter((w) => w.q > 0)
    .sort((a, b) => b.q - a.q)
  return (wanted.find((w) => (languages as readonly string[]).includes(w.lang ?? ''))?.lang as Language | undefined) ?? 'fr'
}

/** Whether the catalogues have words for `key` (codes met at run time, e.g. an audit action). */
export const hasMessage = (key: string) => key in dictionaries.fr

/** `{name}` placeholders are replaced by `params`. Unknown keys show themselves, loudly. */
export function translate(lang: Language, key: string, params: Record<string, unknown> = {}): string {
  const text = dictionaries[lang][key as MessageKey] ?? dictionaries.fr[key as MessageKey] ?? `⟦${key}⟧`
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] === undefined ? `{${name}}` : String(params[name])))
}
