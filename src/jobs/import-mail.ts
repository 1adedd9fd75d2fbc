import nodemailer from 'nodemailer'
import { resultLink, type ResultLink } from '../publish/target.ts'

export type ImportNotice =
  | { kind: 'done'; to: string; title: string; link: string | null }
  | { kind: 'failed'; to: string; title: string; reason: string }

/**
 * The teacher's e-mail when an import is done or failed (SMTP_URL, e.g.
 * smtp://mail.univ.fr:25 or smtps://user:pass@mail.univ.fr). French first, English below.
 */
export function createImportMailer(smtpUrl: string, from: string, portalUrl: string, options: { draft: boolean }) {
  const transport = nodemailer.createTransport(smtpUrl)
  return {
    async send(notice: ImportNotice) {
      const done = notice.kind === 'done'
      const link = done ? resultLink(notice.link, portalUrl) : null
      const subject = !done ? `Échec de l'importation : ${notice.title}` : link?.kind === 'download' ? `Vidéo prête : ${notice.title}` : `Importé dans Pod : ${notice.title}`
      const text = done
        ? ['Bonjour,', '', doneLine(notice.title, link, 'fr'), ...(options.draft && link?.kind === 'pod' ? ['Il y est en brouillon : publiez-le quand vous le souhaitez.'] : []), '', '---',
            `${doneLine(notice.title, link, 'en')}${options.draft && link?.kind === 'pod' ? ' (It is a draft there.)' : ''}`]
        : ['Bonjour,', '', `L'importation de « ${notice.title} » a échoué : ${notice.reason}`, `Vous pouvez la relancer depuis ${portalUrl}/recordings (« Réessayer »).`,
            '', '---', `The import of "${notice.title}" failed: ${notice.reason}. Retry it from ${portalUrl}/recordings.`]
      await transport.sendMail({ from, to: notice.to, subject, text: text.join('\n') })
    },
    close: () => transport.close(),
  }
}

/** The line that says where the video is now: Pod's page, Pod's claim list, or the portal's download. */
function doneLine(title: string, link: ResultLink | null, lang: 'fr' | 'en'): string {
  if (lang === 'fr') {
    if (!link) return `L'enregistrement « ${title} » est importé.`
    if (link.kind === 'download') return `La vidéo de « ${title} » est prête ; téléchargez-la (connecté au portail) : ${link.url}`
    if (link.kind === 'claim') return `La vidéo de « ${title} » attend dans Pod ; réclamez-la depuis : ${link.url}`
    return `L'enregistrement « ${title} » est importé dans Pod : ${link.url}`
  }
  if (!link) return `"${title}" is imported.`
  if (link.kind === 'download') return `The video of "${title}" is ready; download it (logged in to the portal): ${link.url}`
  if (link.kind === 'claim') return `The video of "${title}" waits in Pod; claim it from: ${link.url}`
  return `"${title}" is imported into Pod: ${link.url}`
}
