import type { AppConfig } from '../config.ts'
import { directoryTarget } from './directory-target.ts'
import { createPodClient } from './pod-client.ts'
import { podTarget } from './pod-target.ts'
import type { PublishTarget } from './target.ts'

/** PUBLISH_TARGET: Pod's REST API, Pod's recorder folder (manual claim), or a plain folder. */
export function publishTargetFor(imports: AppConfig['imports'], options: { podPollMs?: number } = {}): PublishTarget {
  if (imports.target === 'pod') return podTarget(createPodClient(imports.pod!), { pollMs: options.podPollMs })
  if (imports.target === 'recorder-dir') return directoryTarget(imports.recorderDir!)
  return directoryTarget(imports.exportDir)
}
