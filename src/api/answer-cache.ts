/**
 * Serialized answers kept for a short time per user and query. Pod's front end and open pages
 * poll "my recordings" every few seconds; most polls find nothing changed. A user's own changes
 * through this process drop their entries at once; changes made elsewhere (workers, other hosts,
 * co-owners) show within `ttlMs`.
 */
export function createAnswerCache(ttlMs: number, maxEntries = 10_000) {
  const entries = new Map<string, { at: number; userId: number; body: string }>()
  return {
    enabled: ttlMs > 0,
    get(userId: number, key: string): string | undefined {
      const entry = entries.get(`${userId}\u0000${key}`)
      if (!entry) return undefined
      if (Date.now() - entry.at >= ttlMs) {
        entries.delete(`${userId}\u0000${key}`)
        return undefined
      }
      return entry.body
    },
    set(userId: number, key: string, body: string) {
      if (ttlMs <= 0) return
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(`${userId}\u0000${key}`, { at: Date.now(), userId, body })
    },
    forget(userId: number) {
      for (const [key, entry] of entries) if (entry.userId === userId) entries.delete(key)
    },
  }
}
export type AnswerCache = ReturnType<typeof createAnswerCache>
