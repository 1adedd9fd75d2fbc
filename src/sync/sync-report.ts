import type { SyncSummary } from './sync-service.ts'

const SHOWN = 20

function listIds(label: string, ids: string[], total: number): string[] {
  if (!total) return []
  const more = total > Math.min(ids.length, SHOWN) ? ` (+${total - Math.min(ids.length, SHOWN)} more)` : ''
  return [`  ${label}: ${ids.slice(0, SHOWN).join(', ')}${more}`]
}

/** The human summary of one source's sync. */
export function formatSummary(s: SyncSummary, sourceUrl: string): string {
  const c = s.counts
  const lines = [`Source ${s.source} (${sourceUrl})${s.dry ? ' — dry run: nothing was written' : ''}`]
  if (s.status === 'failed') lines.push(`  FAILED: ${s.error}`)
  lines.push(`  listing: ${s.listing ?? 'none'}${s.fromCache ? ' (from the cached reply)' : ''}, ${s.complete ? 'complete' : `not complete${s.incompleteReason ? `: ${s.incompleteReason}` : ''}`}`)
  const verb = s.dry ? 'would be' : 'were'
  lines.push(`  recordings: ${c.listed} listed — ${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.missing} ${verb} marked missing, ${c.invalid} invalid`)
  if (!s.complete && s.status === 'succeeded') lines.push('  nothing was marked missing: only a whole, successful listing can do that')
  if (s.dry) {
    lines.push(...listIds('new', s.changes.new, c.new), ...listIds('updated', s.changes.updated, c.updated), ...listIds('missing', s.changes.missing, c.missing))
  }
  for (const i of s.invalid.slice(0, SHOWN)) lines.push(`  invalid ${i.recordId ?? '(no recordID)'}: ${i.reason}`)
  if (s.invalid.length > SHOWN) lines.push(`  … ${c.invalid - SHOWN} more invalid recordings`)
  if (s.owners) {
    const o = s.owners
    const how = Object.entries(o.byMatch ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')
    lines.push(`  owners: ${o.resolved ?? 0} recordings with owners, ${o.orphaned ?? 0} orphaned${o.unresolved ? `, ${o.unresolved} left as they were` : ''}${how ? ` (${how})` : ''}`)
    for (const e of o.errors ?? []) lines.push(`  owners not resolved: ${e} — retried at the next sync`)
  }
  lines.push(`  sync run #${s.runId}, ${((s.finishedAt.getTime() - s.startedAt.getTime()) / 1000).toFixed(1)} s`)
  return lines.join('\n')
}
