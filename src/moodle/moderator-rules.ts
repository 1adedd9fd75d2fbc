/**
 * Moodle's rules for who moderates a BBB activity (mod/bigbluebuttonbn helpers/roles.php), as
 * pure functions: the repository fetches rows, this decides.
 */

export interface ParticipantRule {
  type: 'all' | 'role' | 'user'
  id: string
  role: 'viewer' | 'moderator'
}

/** The `participants` JSON, or null when Moodle would use the site defaults (empty, `[]`, invalid). */
export function parseParticipants(text: string | null | undefined): ParticipantRule[] | null {
  if (!text || !text.trim()) return null
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch {
    return null
  }
  if (!Array.isArray(list) || list.length === 0) return null
  return list.flatMap((r: Record<string, unknown>) => {
    const type = r?.selectiontype, role = r?.role
    if ((type !== 'all' && type !== 'role' && type !== 'user') || (role !== 'viewer' && role !== 'moderator')) return []
    return [{ type, id: String(r.selectionid ?? ''), role }]
  })
}

export interface ModeratorInputs {
  rules: ParticipantRule[] | null
  /** `bigbluebuttonbn_participant_moderator_default`: "0" = the owner, other values role ids. */
  defaultSetting: string
  /** Role shortname by id and id by shortname (ids vary between sites). */
  roles: Map<number, string>
  /** Role assignments in the activity's context or any parent: userId → role ids. */
  assignments: Array<{ userId: number; roleId: number }>
  /** The `Add` log's user, if still enrolled in the course. */
  owner?: number
}

export type ModeratorReason = 'moodle-user' | 'moodle-owner' | `moodle-role:${string}`

/** Role ids the rules need assignments for (and whether every role counts: an `all` rule). */
export function neededRoles(rules: ParticipantRule[] | null, defaultSetting: string, roles: Map<number, string>): { roleIds: number[]; anyRole: boolean } {
  const byShortname = new Map([...roles].map(([id, shortname]) => [shortname, id]))
  if (!rules) return { roleIds: defaultSetting.split(',').map((v) => Number(v.trim())).filter((id) => id > 0), anyRole: false }
  const moderators = rules.filter((r) => r.role === 'moderator')
  const roleIds = moderators.filter((r) => r.type === 'role').map((r) => (/^\d+$/.test(r.id) ? Number(r.id) : byShortname.get(r.id))).filter((id): id is number => !!id)
  return { roleIds, anyRole: moderators.some((r) => r.type === 'all') }
}

/** Every moderator of the activity with the most explicit reason found. */
export function moderatorsOf(input: ModeratorInputs): Map<number, ModeratorReason> {
  const out = new Map<number, ModeratorReason>()
  const give = (userId: number, reason: ModeratorReason) => {
    const rank = (r: ModeratorReason) => (r === 'moodle-user' ? 0 : r === 'moodle-owner' ? 1 : 2)
    const current = out.get(userId)
    if (!current || rank(reason) < rank(current)) out.set(userId, reason)
  }
  const { roleIds, anyRole } = neededRoles(input.rules, input.defaultSetting, input.roles)
  const wanted = new Set(roleIds)
  for (const a of input.assignments) {
    if (anyRole || wanted.has(a.roleId)) give(a.userId, `moodle-role:${input.roles.get(a.roleId) ?? a.roleId}`)
  }
  if (input.rules) {
    for (const r of input.rules) if (r.role === 'moderator' && r.type === 'user' && /^\d+$/.test(r.id)) give(Number(r.id), 'moodle-user')
  } else if (input.owner && input.defaultSetting.split(',').map((v) => v.trim()).includes('0')) {
    give(input.owner, 'moodle-owner')
  }
  return out
}
