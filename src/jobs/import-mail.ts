import nodemailer from 'nodemailer'

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
      const subject = done ? `Importé dans Pod : ${notice.title}` : `Échec de l'importation : ${notice.title}`
      const text = done
        ? [`Bonjour,`, ``, `L'enregistrement « ${notice.title} » est importé dans Pod${notice.link ? ` : ${notice.link}` : '.'}`,
          ...(options.draft ? [`Il y est en brouillon : publiez-le quand vous le souhaitez.`] : []), ``, `---`,
          `"${notice.title}" is imported into Pod${notice.link ? `: ${notice.link}` : '.'}${options.draft ? ' (as a draft).' : ''}`]
        : [`Bonjour,`, ``, `L'importation de « ${notice.title} » a échoué : ${notice.reason}`, `Vous pouvez la relancer depuis ${portalUrl}/recordings (« Réessayer »).`,
          ``, `---`, `The import of "${notice.title}" failed: ${notice.reason}. Retry it from ${portalUrl}/recordings.`]
      await transport.sendMail({ from, to: notice.to, subject, text: text.join('\n') })
    },
    close: () => transport.close(),
  }
}
export type ImportMailer = ReturnType<typeof createImportMailer>
