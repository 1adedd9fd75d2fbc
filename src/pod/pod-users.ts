import type { PodClient, PodUser } from './pod-client.ts'

export interface PersonInPod {
  username: string
  email: string | null
  displayName: string | null
}

export interface PodUserPolicy {
  /** Create users Pod does not have (POD_CREATE_USERS). */
  create: boolean
  /** Users created are staff, as Pod's own migration script makes teachers (POD_STAFF_USERS). */
  createStaff: boolean
  /** An existing user who is not staff is made staff (Pod's recorder REST call takes staff only). */
  promote: boolean
}

/** A person's Pod user, found by username (Pod and the SSO share logins); undefined when absent and not created. */
export async function podUserFor(pod: PodClient, person: PersonInPod, policy: PodUserPolicy, signal?: AbortSignal): Promise<PodUser | undefined> {
  const found = await pod.findUser(person.username, signal)
  if (found) return policy.promote && !found.is_staff ? pod.makeStaff(found, signal) : found
  if (!policy.create) return undefined
  const [first = '', ...last] = (person.displayName ?? '').trim().split(/\s+/)
  return pod.createUser({
    username: person.username, email: person.email ?? '', first_name: first.slice(0, 150), last_name: last.join(' ').slice(0, 150),
    is_staff: policy.createStaff || policy.promote,
  }, signal)
}
