import { setTimeout as sleep } from 'node:timers/promises'
import type { PodClient } from './pod-client.ts'
import type { PublishTarget } from './target.ts'

/**
 * Publishing to Pod: the owner's Pod user, one upload (as a draft, title, date, a description
 * naming the old server and the recordID), encoding launched and followed until done. Never
 * twice: a video Pod already has for this import (stored id, or the marker in its
 * description) is followed instead of uploaded again.
 */
export function podTarget(pod: PodClient, options: { pollMs?: number; encodingTimeoutMs?: number } = {}): PublishTarget {
  const pollMs = options.pollMs ?? 10_000
  const markerOf = (importId: number) => `[bbb-portal import ${importId}]`
  return {
    async alreadyThere(p) {
      if (p.podVideoId) return true
      const video = await pod.findByMarker(p.owner.username, markerOf(p.importId), p.signal)
      if (video) await p.onPodVideo(String(video.id), pod.videoLink(video.slug))
      return video !== undefined
    },

    async publish(p) {
      const marker = markerOf(p.importId)
      let video = p.podVideoId ? await pod.video(p.podVideoId, p.signal) : await pod.findByMarker(p.owner.username, marker, p.signal)
      if (!video) {
        const owner = await pod.userUrl(p.owner, p.signal)
        video = await pod.upload({
          file: p.file, title: p.title, owner, date: p.startTime.toISOString().slice(0, 10),
          description: `Enregistrement BigBlueButton du ${p.startTime.toISOString().slice(0, 10)}, repris de ${p.sourceUrl} (recordID ${p.recordId}). ${marker}`,
        }, p.signal)
      }
      await p.onPodVideo(String(video.id), pod.videoLink(video.slug))
      if (!video.encoded) {
        if (!video.encoding_in_progress) await pod.launchEncoding(video.slug, p.signal)
        await p.onEncoding()
        const deadline = Date.now() + (options.encodingTimeoutMs ?? 6 * 3600_000)
        for (;;) {
          await sleep(pollMs, undefined, { signal: p.signal })
          const now = await pod.video(String(video.id), p.signal)
          if (now.encoded && !now.encoding_in_progress) break
          if (Date.now() > deadline) throw new Error('Pod is still encoding the video; following it again later')
        }
      }
      return pod.videoLink(video.slug)
    },
  }
}
