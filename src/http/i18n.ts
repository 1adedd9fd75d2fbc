import Negotiator from 'negotiator'
import { fr } from './locales/fr.ts'
import { en } from './locales/en.ts'

export const languages = ['fr', 'en'] as const
export type Language = (typeof languages)[number]
type MessageKey = keyof typeof fr
const dictionaries: Record<Language, Record<MessageKey, string>> = { fr, en }

/** The user's choice (cookie) first, then Accept-Language, then French. */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (cookie && (languages as readonly string[]).includes(cookie)) return cookie as Language
  // Negotiator reads qualities and regions (en-GB asks for en); French when nothing matches.
  const [best] = new Negotiator({ headers: { 'accept-language': acceptLanguage ?? '' } }).languages([...languages])
  return (best as Language | undefined) ?? 'fr'
}

/** Whether the catalogues have words for `key` (codes met at run time, e.g. an audit action). */
export const hasMessage = (key: string) => key in dictionaries.fr

/** `{name}` placeholders are replaced by `params`. Unknown keys show themselves, loudly. */
export function translate(lang: Language, key: string, params: Record<string, unknown> = {}): string {
  const text = dictionaries[lang][key as MessageKey] ?? dictionaries.fr[key as MessageKey] ?? `⟦${key}⟧`
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] === undefined ? `{${name}}` : String(params[name])))
}
