import { LRUCache } from 'lru-cache'

/**
 * Serialized answers kept for a short time per user and query. Pod's front end and open pages
 * poll "my recordings" every few seconds; most polls find nothing changed. A user's own changes
 * through this process drop their entries at once; changes made elsewhere (workers, other hosts,
 * co-owners) show within `ttlMs`. Answers are kept encoded: a string of 20 KB would be measured
 * and encoded again at every send.
 */
export function createAnswerCache(ttlMs: number, maxUsers = 10_000) {
  // Entries grouped by user: forgetting a user's answers is one delete, whatever the cache holds.
  // A few queries per user at most (filters, pages).
  const users = new LRUCache<number, LRUCache<string, Buffer>>({ max: maxUsers })
  return {
    get: (userId: number, key: string): Buffer | undefined => users.get(userId)?.get(key),
    set(userId: number, key: string, body: Buffer) {
      if (ttlMs <= 0) return
      let mine = users.get(userId)
      if (!mine) users.set(userId, (mine = new LRUCache<string, Buffer>({ max: 20, ttl: ttlMs })))
      mine.set(key, body)
    },
    forget(userId: number) {
      users.delete(userId)
    },
  }
}
