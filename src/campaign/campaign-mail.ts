import { createHmac, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { assetPath } from '../paths.ts'
import Handlebars from 'handlebars'

export type AtDeadline = 'import' | 'claim' | 'abandon'
type Kind = 'announcement' | 'reminder'
type Lang = 'fr' | 'en'

const ourTemplates = assetPath('views', 'mail')

/** What happens at the deadline, as the e-mail tells it (it ends the template's sentence). */
const fates: Record<Lang, Record<AtDeadline, string>> = {
  fr: {
    import: 'ils seront importés dans Pod pour vous.',
    claim: 'ils seront déposés dans la liste « Revendiquer un enregistrement » de Pod, où vous pourrez les retrouver.',
    abandon: 'ils seront abandonnés et disparaîtront avec le serveur.',
  },
  en: {
    import: 'they will be imported into Pod for you.',
    claim: "they will be left in Pod's claim list, where you can find them later.",
    abandon: 'they will be abandoned and go with the server.',
  },
}

export interface MailContent {
  email: string
  name: string
  source: string
  /** The shutdown date, written per language. */
  deadline: Record<Lang, string>
  days: number
  recordings: Array<{ name: string; course: string; date: Record<Lang, string> }>
  portalUrl: string
  unsubscribeUrl: string
  fate: AtDeadline
}

/**
 * The campaign's e-mails from the templates of views/mail/ (or the admin's MAIL_TEMPLATES_DIR,
 * same names): `<step kind>.<lang>.hbs`, the subject on the first line. French first, English below.
 */
export function campaignMailer(templatesDir?: string) {
  const handlebars = Handlebars.create()
  const cache = new Map<string, HandlebarsTemplateDelegate>()
  const template = (kind: Kind, lang: Lang) => {
    const file = `${kind}.${lang}.hbs`
    const chosen = templatesDir && existsSync(path.join(templatesDir, file)) ? path.join(templatesDir, file) : path.join(ourTemplates, file)
    if (!cache.has(chosen)) cache.set(chosen, handlebars.compile(readFileSync(chosen, 'utf8'), { noEscape: true }))
    return cache.get(chosen)!
  }
  return {
    render(step: string, content: MailContent): { subject: string; text: string } {
      const kind: Kind = step === 'announcement' ? 'announcement' : 'reminder'
      const [fr, en] = (['fr', 'en'] as const).map((lang) => template(kind, lang)({
        ...content, deadline: content.deadline[lang], count: content.recordings.length, fate: fates[lang][content.fate],
        recordings: content.recordings.map((r) => ({ ...r, date: r.date[lang] })),
      }))
      const [subject, ...body] = fr!.split('\n')
      return { subject: subject!.trim(), text: `${body.join('\n').trim()}\n\n---\n\n${en!.trim()}\n` }
    },
  }
}
export type CampaignMailer = ReturnType<typeof campaignMailer>

/** The signature of an unsubscribe link: only the e-mail's recipient holds it. */
export function unsubscribeSignature(secret: string, source: string, userId: number): string {
  return createHmac('sha256', secret).update(`unsubscribe:${source}:${userId}`).digest('base64url')
}

export function validUnsubscribe(secret: string, source: string, userId: number, signature: string): boolean {
  const expected = Buffer.from(unsubscribeSignature(secret, source, userId))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
