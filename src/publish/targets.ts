import { readFileSync } from 'node:fs'
import type { AppConfig } from '../config.ts'
import type { PodClient } from '../pod/pod-client.ts'
import { directoryTarget } from './directory-target.ts'
import { podTarget } from './pod-target.ts'
import { recorderTarget } from './recorder-target.ts'
import { claimListPath, type PublishTarget } from './target.ts'

/** A group's id from its name (`/etc/group`) or number: Pod's user must be able to move claimed files. */
function groupId(group: string): number {
  if (/^\d+$/.test(group)) return Number(group)
  const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[0] === group)
  if (!line) throw new Error(`RECORDER_GROUP: no group "${group}" on this machine`)
  return Number(line.split(':')[2])
}

/** PUBLISH_TARGET: Pod's REST API, Pod's recorder folder (made for the teacher, or the claim list), or a plain folder. */
export function publishTargetFor(config: AppConfig, pod: PodClient | undefined, options: { podPollMs?: number } = {}): PublishTarget {
  const { imports } = config
  if (imports.target === 'pod') return podTarget(pod!, imports.pod!, { pollMs: options.podPollMs })
  if (imports.target === 'recorder-dir') {
    const recorder = imports.recorder!
    const settings = imports.pod
    return recorderTarget({
      dir: recorder.dir, podDir: recorder.podDir, timeZone: config.timeZone,
      sharing: { gid: recorder.group === undefined ? undefined : groupId(recorder.group) },
      assign: recorder.assign && pod && settings ? { pod, recorderId: settings.recorderId, createUsers: settings.createUsers, staffUsers: settings.staffUsers,
        encodeTimeoutSeconds: settings.encodeTimeoutSeconds } : undefined,
      claimPage: settings && `${settings.url}${claimListPath}`,
    }, { pollMs: options.podPollMs })
  }
  return directoryTarget(imports.exportDir)
}
