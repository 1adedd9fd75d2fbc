import type { PodSettings } from '../config.ts'
import { createPodClient } from '../pod/pod-client.ts'

type PodClient = ReturnType<typeof createPodClient>
type Outcome = { said: string } | { error: Error }

/** Pod answered 404: the setting names something Pod does not have. */
class MissingInPod extends Error {}

/** One object Pod must have; a 404 becomes `missing`, said in the admin's words. */
async function lookup<T>(pod: PodClient, path: string, missing: string): Promise<T> {
  return pod.call<T>('GET', path).catch((error: { status?: number }) => {
    throw error.status === 404 ? new MissingInPod(missing) : error
  })
}

const outcome = (check: Promise<string>): Promise<Outcome> => check.then((said) => ({ said }), (error: Error) => ({ error }))

/**
 * What publishing needs of Pod: a staff token (every REST route is IsAdminUser), the site and
 * type every video gets, and, for the claim made per teacher, a recorder that records video.
 * The token is checked first (nothing answers without it); then every missing setting is named
 * at once, so that one fix is not followed by the discovery of the next.
 */
export async function checkPod(settings: PodSettings, needs: { recorder: boolean }): Promise<string> {
  const pod = createPodClient(settings)
  try {
    const site = await outcome(lookup<{ domain: string }>(pod, `/rest/sites/${settings.siteId}/`, `Pod has no site ${settings.siteId} (POD_SITE_ID)`)
      .then((s) => `site ${settings.siteId} (${s.domain})`))
    if ('error' in site && !(site.error instanceof MissingInPod)) throw site.error
    const others = await Promise.all([
      lookup<{ title: string }>(pod, `/rest/types/${settings.videoType}/`, `Pod has no type ${settings.videoType} (POD_VIDEO_TYPE)`).then((t) => `type ${settings.videoType} (${t.title})`),
      ...(needs.recorder ? [checkRecorder(pod, settings.recorderId)] : []),
      pod.call<{ count: number }>('GET', '/rest/meeting_session/').then((m) => `${m.count} meetings`, (error: { status?: number }) => {
        if (error.status === 404) return 'no meetings module'
        throw error
      }),
    ].map(outcome))
    const outcomes = [site, ...others]
    const problems = outcomes.flatMap((o) => ('error' in o ? [o.error.message] : []))
    if (problems.length) throw new Error(problems.join('; '))
    return ['staff token', ...outcomes.map((o) => ('said' in o ? o.said : ''))].join(', ')
  } finally {
    await pod.close()
  }
}

async function checkRecorder(pod: PodClient, recorderId: number): Promise<string> {
  const recorder = await lookup<{ name: string; recording_type: string }>(pod, `/rest/recorder/${recorderId}/`, `Pod has no recorder ${recorderId} (POD_RECORDER_ID)`)
  if (recorder.recording_type !== 'video') throw new Error(`Pod's recorder ${recorderId} (${recorder.name}) records "${recorder.recording_type}", not "video"`)
  return `recorder ${recorderId} (${recorder.name})`
}
