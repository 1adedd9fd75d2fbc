import pg from 'pg'

export interface GreenlightOwner {
  username: string
  email: string
  displayName: string
  reason: 'greenlight-owner' | 'greenlight-shared'
}

/**
 * Greenlight v3 (PostgreSQL): a recording's meetingID is its room's `meeting_id`; the room's
 * user owns it and users it is shared with manage it too. Greenlight has no username: the SSO
 * `external_id` is used when the account came from SSO, the e-mail otherwise.
 */
export function greenlightResolver(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 })
  return {
    async ownersByMeetingId(meetingIds: string[]): Promise<Map<string, GreenlightOwner[]>> {
      const out = new Map<string, GreenlightOwner[]>()
      if (!meetingIds.length) return out
      const { rows } = await pool.query<{ meeting_id: string; external_id: string | null; email: string; name: string; shared: boolean }>(`
        SELECT r.meeting_id, u.external_id, u.email, u.name, false AS shared
          FROM rooms r JOIN users u ON u.id = r.user_id WHERE r.meeting_id = ANY($1)
        UNION ALL
        SELECT r.meeting_id, u.external_id, u.email, u.name, true AS shared
          FROM rooms r JOIN shared_accesses s ON s.room_id = r.id JOIN users u ON u.id = s.user_id WHERE r.meeting_id = ANY($1)
        ORDER BY shared`, [meetingIds])
      for (const row of rows) {
        const username = (row.external_id?.trim() || row.email).toLowerCase()
        const list = out.get(row.meeting_id) ?? []
        if (!list.some((o) => o.username === username)) list.push({ username, email: row.email, displayName: row.name, reason: row.shared ? 'greenlight-shared' : 'greenlight-owner' })
        out.set(row.meeting_id, list)
      }
      return out
    },
    close: () => pool.end(),
  }
}
export type GreenlightResolver = ReturnType<typeof greenlightResolver>
