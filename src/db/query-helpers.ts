import type { SelectQueryBuilder } from 'kysely'

/** An ILIKE pattern matching values that contain `text` literally (its `%`, `_` and `\` escaped). */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Runs `query` over `values` in chunks, so that IN lists and unnest arrays stay small for any database. */
export async function inChunks<V, R>(values: V[], query: (chunk: V[]) => Promise<R[]>, size = 1000): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < values.length; i += size) out.push(...(await query(values.slice(i, i + size))))
  return out
}

/** The same, for statements that return nothing. */
export async function forEachChunk<V>(values: V[], statement: (chunk: V[]) => Promise<unknown>, size = 1000): Promise<void> {
  for (let i = 0; i < values.length; i += size) await statement(values.slice(i, i + size))
}

export interface Page<R> {
  total: number
  rows: R[]
}

/**
 * One page of `query` (already filtered) and how many rows match in all: `ordered` adds the
 * columns and the order, the count runs on the filtered query alone.
 */
export async function pageWithTotal<DB, TB extends keyof DB, O, R>(
  query: SelectQueryBuilder<DB, TB, O>,
  ordered: (q: SelectQueryBuilder<DB, TB, O>) => SelectQueryBuilder<DB, TB, R>,
  page: { limit: number; offset: number },
): Promise<Page<R>> {
  const [rows, count] = await Promise.all([
    ordered(query).limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { total: Number((count as { n: string }).n), rows }
}
