import nodemailer from 'nodemailer'
import type { AdminRepository } from '../admin/admin-repository.ts'
import type { SourceConfig } from '../config.ts'
import { parseDuration } from '../config-schema.ts'
import type { Database } from '../db/database.ts'
import { daysUntil, formatDate } from '../dates.ts'
import { conflict, HttpProblem, notFound, unavailable } from '../errors.ts'
import { queueImports } from '../jobs/convert-all.ts'
import type { ImportsRepository } from '../jobs/imports-repository.ts'
import type { UsersRepository } from '../owners/users-repository.ts'
import type { CampaignRepository } from './campaign-repository.ts'
import { unsubscribeSignature, type AtDeadline, type CampaignMailer, type MailContent } from './campaign-mail.ts'
import type { Logger } from '../log.ts'

export interface CampaignDeps {
  db: Database
  repo: CampaignRepository
  imports: ImportsRepository
  users: Pick<UsersRepository, 'ensureUser'>
  admin: Pick<AdminRepository, 'audit' | 'deadlineRun'>
  mailer: CampaignMailer
  sources: SourceConfig[]
  settings: { reminders: string[]; mailRate: number; smtpUrl?: string; mailFrom: string; publicUrl: string; timeZone: string; secret: () => string }
  /** Hands a new import to the job queue (the deadline's imports). */
  enqueue?: (importId: number) => Promise<void>
  /** The job queue that sends campaign e-mails (serve); without it they are sent in this process. */
  jobs?: { sendCampaign(source: string): Promise<unknown> }
  /** Waits between two e-mails (MAIL_RATE); tests make it instant. */
  pause?: (ms: number) => Promise<void>
  log: Logger
}

type Tally = { sent: number; failed: number; skipped: number; retryLater: boolean }
const inBoth = (date: Date, timeZone: string) => ({ fr: formatDate('fr', date, timeZone, false), en: formatDate('en', date, timeZone, false) })
const noSmtp = () => unavailable('No SMTP server is configured (SMTP_URL): the campaign cannot send its e-mails.')
/** An SMTP reply code of 5xx refuses for good (an unknown address); anything else may pass later. */
const refusedForGood = (error: unknown) => Number((error as { responseCode?: number }).responseCode) >= 500

/**
 * The migration campaign of a source: an announcement when the admin opens it, reminders at the
 * configured offsets before shutdownAt (each step planned once, to those with recordings still
 * waiting), sent at MAIL_RATE by one sender at a time; and on shutdownAt, the source's
 * `atDeadline` fate for what still waits, applied once.
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
  /**
   * Every step with the time it is due: the announcement at the opening, then each reminder due
   * after it (one due earlier would only repeat the announcement).
   */
  const schedule = (source: SourceConfig, openedAt: Date | undefined) => {
    const offsets = source.reminders ?? settings.reminders
    const reminders = source.shutdownAt ? offsets.map((offset) => ({ step: `reminder-${offset}`, dueAt: new Date(source.shutdownAt!.getTime() - parseDuration(offset) * 1000) })) : []
    return [...(openedAt ? [{ step: 'announcement', dueAt: openedAt }] : []), ...reminders.filter((r) => !openedAt || r.dueAt > openedAt)]
  }

  async function content(source: SourceConfig, userId: number, now: Date): Promise<MailContent | undefined> {
    const [user, waiting] = await Promise.all([repo.user(userId), repo.waitingOf(source.name, userId)])
    if (!user?.email || !waiting.length) return undefined
    const deadline = source.shutdownAt ?? now
    return {
      email: user.email, name: user.display_name ?? user.username, source: source.name, days: Math.max(0, daysUntil(deadline, now, settings.timeZone)),
      deadline: inBoth(deadline, settings.timeZone),
      recordings: waiting.map((r) => ({ name: r.name, course: r.course, date: inBoth(r.start_time, settings.timeZone) })),
      portalUrl: `${settings.publicUrl}/recordings`,
      unsubscribeUrl: `${settings.publicUrl}/campaign/unsubscribe?source=${encodeURIComponent(source.name)}&user=${userId}&sig=${unsubscribeSignature(settings.secret(), source.name, userId)}`,
      fate: source.atDeadline as AtDeadline,
    }
  }

  /**
   * Sends what is queued, one e-mail at a time, by the one sender of the campaign. Someone who
   * settled everything (or asked for no more reminders) meanwhile gets none; a server that is away
   * leaves the rest for the next round.
   */
  async function sendQueued(source: SourceConfig, now: Date, signal?: AbortSignal): Promise<Tally> {
    const tally = { sent: 0, failed: 0, skipped: 0, retryLater: false }
    // Another process sending this campaign now keeps to MAIL_RATE alone: nothing to do here.
    if (!transport || !(await repo.takeSender(source.name, 120))) return tally
    try {
      for (let mail = await repo.takeNext(source.name); mail; mail = signal?.aborted ? undefined : await repo.takeNext(source.name)) {
        const body = await content(source, mail.user_id, now)
        if (!body || (mail.step !== 'announcement' && (await repo.unsubscribed(source.name, mail.user_id)))) {
          await repo.finish(mail.id, 'skipped')
          tally.skipped++
          continue
        }
        const { subject, text } = deps.mailer.render(mail.step, body)
        try {
          await transport.sendMail({ from: settings.mailFrom, to: body.email, subject, text, headers: { 'List-Unsubscribe': `<${body.unsubscribeUrl}>` } })
          await repo.finish(mail.id, 'sent', { recordings: body.recordings.length })
          tally.sent++
        } catch (error) {
          if (!refusedForGood(error)) {
            await repo.requeue(mail.id)
            deps.log.warn(`campaign ${source.name}: the mail server did not take an e-mail (${(error as Error).message}); the rest waits for the next round`)
            return { ...tally, retryLater: true }
          }
          // Refused for good (an unknown address, a full mailbox): a bounce, kept to be seen.
          await repo.finish(mail.id, 'failed', { error: (error as Error).message.slice(0, 500), recordings: body.recordings.length })
          tally.failed++
        }
        await repo.takeSender(source.name, 120).catch(() => false)
        await pause(60_000 / settings.mailRate)
      }
      return tally
    } finally {
      await repo.releaseSender(source.name)
    }
  }

  /** Plans a step (once) for everyone it concerns now; returns how many e-mails were added. */
  async function plan(actor: string, name: string, step: string, action: string) {
    const planned = await repo.plan(name, step)
    await repo.countStep(name, step, planned)
    await deps.admin.audit({ actor, action, targetType: 'source', targetId: name, after: { step, planned } })
    return planned
  }

  return {
    async open(actor: string, name: string) {
      sourceOf(name)
      if (!transport) throw noSmtp()
      if (!(await repo.open(name, actor))) throw conflict('The campaign of this source is already open.', 'campaign-open')
      await deps.admin.audit({ actor, action: 'campaign.open', targetType: 'source', targetId: name })
    },

    /**
     * Plans the step due at `now` (the announcement first; of several reminders overdue, the
     * latest, the others marked superseded), then sends what is queued unless `send` is false.
     * `dry`: only says which step it would plan.
     */
    async tick(actor: string, name: string, options: { now?: Date; dry?: boolean; send?: boolean; signal?: AbortSignal } = {}) {
      const source = sourceOf(name)
      const now = options.now ?? new Date()
      const campaign = await repo.campaign(name)
      const result = { open: Boolean(campaign), due: [] as string[], superseded: [] as string[], planned: {} as Record<string, number>, sent: 0, failed: 0,
        skipped: 0 }
      if (!campaign) return result
      const claimed = new Set((await repo.steps(name)).map((s) => s.step))
      const due = schedule(source,
        campaign.opened_at).filter((s) => s.dueAt <= now && (!source.shutdownAt || now < source.shutdownAt) && !claimed.has(s.step)).map((s) => s.step)
      const chosen = due.includes('announcement') ? 'announcement' : due.at(-1)
      result.due = chosen ? [chosen] : []
      result.superseded = due.filter((s) => s !== chosen)
      if (options.dry) return result
      for (const step of result.superseded) await repo.claimStep(name, step, true)
      if (chosen && (await repo.claimStep(name, chosen))) result.planned[chosen] = await plan(actor, name, chosen, 'campaign.step')
      if (options.send === false) return result
      if (deps.jobs) {
        await deps.jobs.sendCampaign(name)
        return result
      }
      const tally = await sendQueued(source, now, options.signal)
      return { ...result, sent: tally.sent, failed: tally.failed, skipped: tally.skipped }
    },

    /**
     * Sends what is queued without waiting for it (MAIL_RATE): as a job of the queue when there is
     * one (it outlives this request and is retried while the mail server is away), else here.
     */
    sendLater(name: string) {
      const source = sourceOf(name)
      const sending = deps.jobs ? deps.jobs.sendCampaign(name) : sendQueued(source, new Date())
      void Promise.resolve(sending).catch((error) => deps.log.warn(`campaign ${name}: ${(error as Error).message}`))
    },

    /** The queue's job: sends what is queued; throws while the mail server is away, so that the job is retried. */
    async send(name: string) {
      const tally = await sendQueued(sourceOf(name), new Date())
      if (tally.retryLater) throw new Error('the mail server did not take every e-mail; the rest is sent when the job is retried')
      return tally
    },

    /** "Send now": the step planned at once for those it has not reached yet; sent by `sendLater` or the next round. */
    async planStep(actor: string, name: string, step: string) {
      const source = sourceOf(name)
      const campaign = await repo.campaign(name)
      if (!campaign) throw conflict('Open the campaign first.', 'campaign-closed')
      if (!transport) throw noSmtp()
      if (!schedule(source, campaign.opened_at).some((s) => s.step === step)) throw new HttpProblem(400, 'Bad Request', `No step "${step}" in this campaign.`)
      await repo.claimStep(name, step)
      return { planned: await plan(actor, name, step, 'campaign.send') }
    },

    /** On shutdownAt, the source's fate for what still waits, applied once (`requireOpen`: only for an open campaign). */
    async deadline(actor: string, name: string, options: { now?: Date; requireOpen?: boolean } = {}) {
      const source = sourceOf(name)
      const now = options.now ?? new Date()
      if (!source.shutdownAt) return { applied: false as const, reason: 'no shutdown date' }
      if (now < source.shutdownAt) return { applied: false as const, reason: 'not yet' }
      if (options.requireOpen && !(await repo.campaign(name))) return { applied: false as const, reason: 'the campaign is not open' }
      if (!(await repo.claimDeadline(name, source.atDeadline, actor))) return { applied: false as const, reason: 'already applied' }
      const recordIds = await repo.waitingRecordIds(name)
      const counts: Record<string, number> = source.atDeadline === 'abandon'
        ? { abandoned: await repo.abandonAll(name, recordIds, 'deadline', actor) }
        : { queued: (await queueImports(deps, name, recordIds, { dry: false, enqueue: deps.enqueue, plainClaim: source.atDeadline === 'claim' })).queued }
      await repo.recordDeadline(name, { waiting: recordIds.length, ...counts })
      await deps.admin.audit({ actor, action: 'campaign.deadline', targetType: 'source', targetId: name, after: { fate: source.atDeadline, waiting: recordIds.length, ...counts } })
      return { applied: true as const, fate: source.atDeadline, waiting: recordIds.length, ...counts }
    },

    /** The campaign page's facts: each step and its e-mails, who cannot be reached, the deadline. */
    async state(name: string) {
      const source = sourceOf(name)
      const [campaign, steps, mails, unreachable, deadline, owners] = await Promise.all([
        repo.campaign(name), repo.steps(name), repo.mails(name), repo.ownersWithoutEmail(name), deps.admin.deadlineRun(name), repo.owners(name),
      ])
      return {
        source: name, openedAt: campaign?.opened_at.toISOString() ?? null, openedBy: campaign?.opened_by ?? null, atDeadline: source.atDeadline,
        shutdownAt: source.shutdownAt?.toISOString() ?? null, mails, unreachable,
        // Who has settled and who has not, with when they were last told.
        owners: owners.map((o) => ({ ...o, lastToldAt: mails.filter((m) => m.user_id === o.user_id && m.sent_at).at(-1)?.sent_at?.toISOString() ?? null })),
        steps: schedule(source, campaign?.opened_at).map(({ step, dueAt }) => {
          const of = mails.filter((m) => m.step === step)
          const count = (state: string) => of.filter((m) => m.state === state).length
          return {
            step, dueAt: dueAt.toISOString(), superseded: steps.some((s) => s.step === step && s.superseded),
            planned: of.length, sent: count('sent'), failed: count('failed'), skipped: count('skipped'), queued: count('queued'), unsure: count('sending'),
          }
        }),
        deadline: deadline?.applied_at ? { appliedAt: deadline.applied_at.toISOString(), fate: deadline.fate, counts: deadline.counts } : null,
      }
    },

    /** A step's e-mail as this recipient would get it now. */
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
