import nodemailer from 'nodemailer'
import { createAdminRepository } from '../admin/admin-repository.ts'
import type { AppConfig, SourceConfig } from '../config.ts'
import { parseDuration } from '../config-schema.ts'
import type { Database } from '../db/database.ts'
import { daysUntil } from '../dates.ts'
import { HttpProblem, notFound } from '../errors.ts'
import { queueImports } from '../jobs/convert-all.ts'
import { createCampaignRepository, type CampaignRepository } from './campaign-repository.ts'
import { campaignMailer, unsubscribeSignature, type AtDeadline, type CampaignMailer, type MailContent } from './campaign-mail.ts'

export interface CampaignDeps {
  db: Database
  repo: CampaignRepository
  mailer: CampaignMailer
  sources: SourceConfig[]
  settings: { reminders: string[]; mailRate: number; smtpUrl?: string; mailFrom: string; publicUrl: string; timeZone: string; secret: string }
  audit(entry: { actor: string; action: string; targetType: string; targetId: string; after?: unknown }): Promise<void>
  /** Hands a new import to the job queue (the deadline's imports). */
  enqueue?: (importId: number) => Promise<void>
  /** Waits between two e-mails (MAIL_RATE); tests make it instant. */
  pause?: (ms: number) => Promise<void>
}

const write = (lang: 'fr' | 'en', date: Date, timeZone: string) => new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone }).format(date)
const conflict = (detail: string, code: string) => new HttpProblem(409, 'Conflict', detail, { code })

/**
 * The migration campaign of a source: an announcement when the admin opens it, reminders at the
 * configured offsets before shutdownAt (each planned once, to those with recordings still waiting),
 * sent at MAIL_RATE and resumable; and on shutdownAt, the source's `atDeadline` fate, applied once.
 */
export function createCampaignService(deps: CampaignDeps) {
  const { repo, settings } = deps
  const transport = settings.smtpUrl ? nodemailer.createTransport(settings.smtpUrl) : undefined
  const pause = deps.pause ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)))
  const sourceOf = (name: string) => {
    const source = deps.sources.find((s) => s.name === name)
    if (!source) throw notFound(`No source named "${name}".`)
    return source
  }
  const remindersOf = (source: SourceConfig) => source.reminders ?? settings.reminders
  /**
   * Every step of the source with the time it is due: the announcement at the opening, then each
   * reminder due after it (one due earlier would only repeat the announcement).
   */
  const schedule = (source: SourceConfig, openedAt: Date | undefined) => {
    const reminders = source.shutdownAt ? remindersOf(source).map((offset) => ({ step: `reminder-${offset}`, dueAt: new Date(source.shutdownAt!.getTime() - parseDuration(offset) * 1000) })) : []
    return [...(openedAt ? [{ step: 'announcement', dueAt: openedAt }] : []), ...reminders.filter((r) => !openedAt || r.dueAt > openedAt)]
  }

  async function content(source: SourceConfig, userId: number, now: Date): Promise<MailContent | undefined> {
    const [user, waiting] = await Promise.all([repo.user(userId), repo.waitingOf(source.name, userId)])
    if (!user || !waiting.length) return undefined
    const deadline = source.shutdownAt ?? now
    return {
      name: user.display_name ?? user.username, source: source.name, days: Math.max(0, daysUntil(deadline, now, settings.timeZone)),
      deadline: { fr: write('fr', deadline, settings.timeZone), en: write('en', deadline, settings.timeZone) },
      recordings: waiting.map((r) => ({ name: r.name, course: r.course, date: { fr: write('fr', r.start_time, settings.timeZone), en: write('en', r.start_time, settings.timeZone) } })),
      portalUrl: `${settings.publicUrl}/recordings`,
      unsubscribeUrl: `${settings.publicUrl}/campaign/unsubscribe?source=${encodeURIComponent(source.name)}&user=${userId}&sig=${unsubscribeSignature(settings.secret, source.name, userId)}`,
      fate: source.atDeadline as AtDeadline,
    }
  }

  /** Sends what is queued, one e-mail at a time; a recipient who settled everything meanwhile gets none. */
  async function sendQueued(source: SourceConfig, now: Date) {
    if (!transport) throw new HttpProblem(503, 'Service Unavailable', 'No SMTP server is configured (SMTP_URL).')
    const tally = { sent: 0, failed: 0, skipped: 0 }
    for (let mail = await repo.takeNext(source.name); mail; mail = await repo.takeNext(source.name)) {
      const body = await content(source, mail.user_id, now)
      const user = await repo.user(mail.user_id)
      if (!body || !user?.email) {
        await repo.finish(mail.id, 'skipped')
        tally.skipped++
        continue
      }
      const { subject, text } = deps.mailer.render(mail.step, body)
      try {
        await transport.sendMail({ from: settings.mailFrom, to: user.email, subject, text, headers: { 'List-Unsubscribe': `<${body.unsubscribeUrl}>` } })
        await repo.finish(mail.id, 'sent', { recordings: body.recordings.length })
        tally.sent++
      } catch (error) {
        // The SMTP server refused it (an unknown address, a full mailbox): a bounce, kept to be seen.
        await repo.finish(mail.id, 'failed', { error: (error as Error).message.slice(0, 500), recordings: body.recordings.length })
        tally.failed++
      }
      await pause(60_000 / settings.mailRate)
    }
    return tally
  }

  return {
    async open(actor: string, name: string) {
      const source = sourceOf(name)
      if (!(await repo.open(name, actor))) throw conflict('The campaign of this source is already open.', 'campaign-open')
      await deps.audit({ actor, action: 'campaign.open', targetType: 'source', targetId: name })
      return source
    },

    /** Plans every step due at `now` not planned yet, then sends what is queued. `dry`: only says which. */
    async tick(actor: string, name: string, options: { now?: Date; dry?: boolean } = {}) {
      const source = sourceOf(name)
      const now = options.now ?? new Date()
      const campaign = await repo.campaign(name)
      if (!campaign) return { open: false, due: [] as string[], planned: {} as Record<string, number>, sent: 0, failed: 0, skipped: 0 }
      const planned = new Set(await repo.plannedSteps(name))
      const due = schedule(source, campaign.opened_at).filter((s) => s.dueAt <= now && (!source.shutdownAt || now < source.shutdownAt) && !planned.has(s.step)).map((s) => s.step)
      if (options.dry) return { open: true, due, planned: {}, sent: 0, failed: 0, skipped: 0 }
      const added: Record<string, number> = {}
      for (const step of due) {
        added[step] = await repo.plan(name, step)
        await deps.audit({ actor, action: 'campaign.step', targetType: 'source', targetId: name, after: { step, planned: added[step] } })
      }
      return { open: true, due, planned: added, ...(await sendQueued(source, now)) }
    },

    /** "Send now": the step planned at once (to those not told yet), then sent. */
    async sendStep(actor: string, name: string, step: string, now = new Date()) {
      const source = sourceOf(name)
      if (!(await repo.campaign(name))) throw conflict('Open the campaign first.', 'campaign-closed')
      if (!schedule(source, now).some((s) => s.step === step)) throw new HttpProblem(400, 'Bad Request', `No step "${step}" in this campaign.`)
      const planned = await repo.plan(name, step)
      await deps.audit({ actor, action: 'campaign.send', targetType: 'source', targetId: name, after: { step, planned } })
      return { planned, ...(await sendQueued(source, now)) }
    },

    /** On shutdownAt, the source's fate for what still waits, applied once. */
    async deadline(actor: string, name: string, options: { now?: Date } = {}) {
      const source = sourceOf(name)
      const now = options.now ?? new Date()
      if (!source.shutdownAt) return { applied: false as const, reason: 'no shutdown date' }
      if (now < source.shutdownAt) return { applied: false as const, reason: 'not yet' }
      if (!(await repo.claimDeadline(name, source.atDeadline, actor))) return { applied: false as const, reason: 'already applied' }
      const recordIds = await repo.waitingRecordIds(name)
      const counts: Record<string, number> = source.atDeadline === 'abandon'
        ? { abandoned: await repo.abandonAll(name, recordIds, 'deadline', actor) }
        : { queued: (await queueImports(deps.db, name, recordIds, { dry: false, enqueue: deps.enqueue, plainClaim: source.atDeadline === 'claim' })).queued }
      await repo.recordDeadline(name, { waiting: recordIds.length, ...counts })
      await deps.audit({ actor, action: 'campaign.deadline', targetType: 'source', targetId: name, after: { fate: source.atDeadline, waiting: recordIds.length, ...counts } })
      return { applied: true as const, fate: source.atDeadline, waiting: recordIds.length, ...counts }
    },

    /** The campaign page's facts: each step and its e-mails, who cannot be reached, the deadline. */
    async state(name: string) {
      const source = sourceOf(name)
      const [campaign, mails, unreachable, deadline] = await Promise.all([repo.campaign(name), repo.mails(name), repo.ownersWithoutEmail(name), repo.deadlineRun(name)])
      const steps = schedule(source, campaign?.opened_at).map(({ step, dueAt }) => {
        const of = mails.filter((m) => m.step === step)
        const count = (state: string) => of.filter((m) => m.state === state).length
        return { step, dueAt: dueAt.toISOString(), planned: of.length, sent: count('sent'), failed: count('failed'), skipped: count('skipped'), queued: count('queued'), unsure: count('sending') }
      })
      return {
        source: name, openedAt: campaign?.opened_at.toISOString() ?? null, openedBy: campaign?.opened_by ?? null, atDeadline: source.atDeadline,
        shutdownAt: source.shutdownAt?.toISOString() ?? null, steps, mails, unreachable,
        deadline: deadline ? { appliedAt: deadline.applied_at.toISOString(), fate: deadline.fate, counts: deadline.counts } : null,
      }
    },

    /** A step's e-mail as one recipient would get it (the first planned, else the first owner waiting). */
    async preview(name: string, step: string, userId: number, now = new Date()) {
      const body = await content(sourceOf(name), userId, now)
      return body ? deps.mailer.render(step, body) : undefined
    },

    async unsubscribe(name: string, userId: number) {
      sourceOf(name)
      await repo.unsubscribe(name, userId)
    },
    close: () => transport?.close(),
  }
}
export type CampaignService = ReturnType<typeof createCampaignService>

/** The campaign service on a database with the configuration: one place builds it for serve, the CLI and the app. */
export function openCampaign(db: Database, config: AppConfig, secret: string, enqueue?: (importId: number) => Promise<void>) {
  const admin = createAdminRepository(db)
  return createCampaignService({
    db, repo: createCampaignRepository(db), mailer: campaignMailer(config.campaign.templatesDir), sources: config.sources, enqueue,
    settings: { ...config.campaign, smtpUrl: config.imports.smtpUrl, mailFrom: config.imports.mailFrom, publicUrl: config.publicUrl, timeZone: config.timeZone, secret },
    audit: (entry) => admin.audit(entry),
  })
}
