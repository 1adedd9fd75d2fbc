import type { PodSettings } from '../config.ts'
import { createPodClient } from '../pod/pod-client.ts'

const notFound = (error: unknown) => (error as { status?: number }).status === 404

/**
 * What publishing needs of Pod: a staff token (every REST route is IsAdminUser), the site and
 * type every video gets, and, for the claim made per teacher, a recorder that records video.
 */
export async function checkPod(settings: PodSettings, needs: { recorder: boolean }): Promise<string> {
  const pod = createPodClient(settings)
  try {
    const said: string[] = []
    const site = await pod.call<{ domain: string }>('GET', `/rest/sites/${settings.siteId}/`).catch((error) => {
      throw notFound(error) ? new Error(`Pod has no site ${settings.siteId} (POD_SITE_ID)`) : error
    })
    said.push(`staff token, site ${settings.siteId} (${site.domain})`)
    const type = await pod.call<{ title: string }>('GET', `/rest/types/${settings.videoType}/`).catch((error) => {
      throw notFound(error) ? new Error(`Pod has no type ${settings.videoType} (POD_VIDEO_TYPE)`) : error
    })
    said.push(`type ${settings.videoType} (${type.title})`)
    if (needs.recorder) {
      const recorder = await pod.call<{ name: string; recording_type: string }>('GET', `/rest/recorder/${settings.recorderId}/`).catch((error) => {
        throw notFound(error) ? new Error(`Pod has no recorder ${settings.recorderId} (POD_RECORDER_ID)`) : error
      })
      if (recorder.recording_type !== 'video') throw new Error(`Pod's recorder ${settings.recorderId} (${recorder.name}) records "${recorder.recording_type}", not "video"`)
      said.push(`recorder ${settings.recorderId} (${recorder.name})`)
    }
    const meetings = await pod.call<{ count: number }>('GET', '/rest/meeting_session/').catch((error) => {
      if (notFound(error)) return undefined
      throw error
    })
    said.push(meetings ? `${meetings.count} meetings` : 'no meetings module')
    return said.join(', ')
  } finally {
    await pod.close()
  }
}
