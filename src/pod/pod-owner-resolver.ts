import pLimit from 'p-limit'
import type { PodClient, PodMeeting, PodUser } from './pod-client.ts'

export interface PodMeetingOwner {
  username: string
  email: string
  displayName: string
  reason: 'pod-owner'
}

/**
 * Pod's "Réunions" module: a recording whose meetingID is a Pod meeting's `meeting_id` belongs to
 * that meeting's owner, as Pod's own migration script decides first (get_created_in_pod). The
 * meetings are read once per call (`/rest/meeting_session/`, every page), then each owner once.
 * A meeting of our site (POD_SITE_ID) wins over another site's of the same meeting_id.
 */
export function podOwnerResolver(pod: PodClient, siteId: number) {
  return {
    async ownersByMeetingId(meetingIds: string[]): Promise<Map<string, PodMeetingOwner[]>> {
      const wanted = new Set(meetingIds)
      const meetings = new Map<string, PodMeeting>()
      if (!wanted.size) return new Map()
      try {
        for await (const meeting of pod.meetings()) {
          if (!wanted.has(meeting.meeting_id)) continue
          const had = meetings.get(meeting.meeting_id)
          if (!had || (had.site_id !== siteId && meeting.site_id === siteId)) meetings.set(meeting.meeting_id, meeting)
        }
      } catch (error) {
        // A Pod with USE_MEETING=False has no meeting routes: no recording was made in its meetings.
        if ((error as { status?: number }).status === 404) return new Map()
        throw error
      }
      const limit = pLimit(4)
      const ownerIds = [...new Set([...meetings.values()].map((m) => m.owner_id))]
      const users = new Map<number, PodUser | undefined>(await Promise.all(ownerIds.map((id) => limit(async () => [id, await pod.userById(id)] as const))))
      const out = new Map<string, PodMeetingOwner[]>()
      for (const [meetingId, meeting] of meetings) {
        const user = users.get(meeting.owner_id)
        if (!user) continue
        const displayName = `${user.first_name} ${user.last_name}`.trim() || user.username
        out.set(meetingId, [{ username: user.username.toLowerCase(), email: user.email, displayName, reason: 'pod-owner' }])
      }
      return out
    },
  }
}
export type PodOwnerResolver = ReturnType<typeof podOwnerResolver>
