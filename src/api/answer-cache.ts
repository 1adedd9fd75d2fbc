/**
 * Serialized answers kept for a short time per user and query. Pod's front end and open pages
 * poll "my recordings" every few seconds; most polls find nothing changed. A user's own changes
 * through this process drop their entries at once; changes made elsewhere (workers, other hosts,
 * co-owners) show within `ttlMs`. Answers are kept encoded: a string of 20 KB would be measured
 * and encoded again at every send.
 */
export function createAnswerCache(ttlMs: number, maxUsers = 10_000) {
  // Entries grouped by user: forgetting a user's answers is one delete, whatever the cache holds.
  const users = new Map<number, Map<string, { at: number; body: Buffer }>>()
  return {
    get(userId: number, key: string): Buffer | undefined {
      const entry = users.get(userId)?.get(key)
      if (!entry || Date.now() - entry.at >= ttlMs) return undefined
      return entry.body
    },
    set(userId: number, key: string, body: Buffer) {
      if (ttlMs <= 0) return
      let mine = users.get(userId)
      if (!mine) {
        if (users.size >= maxUsers) users.delete(users.keys().next().value!)
        users.set(userId, (mine = new Map()))
      }
      // A few queries per user at most (filters, pages); the oldest goes first.
      if (mine.size >= 20) mine.delete(mine.keys().next().value!)
      mine.set(key, { at: Date.now(), body })
    },
    forget(userId: number) {
      users.delete(userId)
    },
  }
}
export type AnswerCache = ReturnType<typeof createAnswerCache>
