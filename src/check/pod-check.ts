import type { PodSettings } from '../config.ts'
import { createPodClient } from '../pod/pod-client.ts'

type PodClient = ReturnType<typeof createPodClient>

/** One object Pod must have; a 404 becomes `missing`, said in the admin's words. */
async function lookup<T>(pod: PodClient, path: string, missing: string): Promise<T> {
  return pod.call<T>('GET', path).catch((error: { status?: number }) => {
    throw error.status === 404 ? new Error(missing) : error
  })
}

/**
 * What publishing needs of Pod: a staff token (every REST route is IsAdminUser), the site and
 * type every video gets, and, for the claim made per teacher, a recorder that records video.
 * Every problem is named at once, so that one fix is not followed by the discovery of the next;
 * a refused token or an unreachable Pod fails every lookup the same way and is said once.
 */
export async function checkPod(settings: PodSettings, needs: { recorder: boolean }): Promise<string> {
  const pod = createPodClient(settings)
  try {
    const results = await Promise.allSettled([
      lookup<{ domain: string }>(pod, `/rest/sites/${settings.siteId}/`, `Pod has no site ${settings.siteId} (POD_SITE_ID)`).then((s) => `site ${settings.siteId} (${s.domain})`),
      lookup<{ title: string }>(pod, `/rest/types/${settings.videoType}/`, `Pod has no type ${settings.videoType} (POD_VIDEO_TYPE)`).then((t) => `type ${settings.videoType} (${t.title})`),
      ...(needs.recorder ? [checkRecorder(pod, settings.recorderId)] : []),
      pod.call<{ count: number }>('GET', '/rest/meeting_session/').then((m) => `${m.count} meetings`, (error: { status?: number }) => {
        if (error.status === 404) return 'no meetings module'
        throw error
      }),
    ])
    const problems = new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : [])))
    if (problems.size) throw new Error([...problems].join('; '))
    return ['staff token', ...results.map((r) => (r as PromiseFulfilledResult<string>).value)].join(', ')
  } finally {
    await pod.close()
  }
}

async function checkRecorder(pod: PodClient, recorderId: number): Promise<string> {
  const recorder = await lookup<{ name: string; recording_type: string }>(pod, `/rest/recorder/${recorderId}/`, `Pod has no recorder ${recorderId} (POD_RECORDER_ID)`)
  if (recorder.recording_type !== 'video') throw new Error(`Pod's recorder ${recorderId} (${recorder.name}) records "${recorder.recording_type}", not "video"`)
  return `recorder ${recorderId} (${recorder.name})`
}
