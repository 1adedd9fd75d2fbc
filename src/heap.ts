import v8 from 'node:v8'

/**
 * A sync holds little at once (about 50 MB for 100 000 recordings: the recordIDs seen and
 * the batch in hand) but allocates gigabytes on the way (each recording's XML, its parsed tree,
 * its row). By default V8 lets the old generation grow to about four times what survived the
 * last full collection before it collects again: a first sync of 100 000 recordings then
 * peaked near 390 MB RSS, for 50 MB of live data. Growing it by half instead keeps that sync
 * near 240 MB (bench: the `sync` cases); a full collection of so little live data is quick,
 * so the time is the same within the benchmark's noise. Every command gets it: the server's
 * live data is small too (the `api` case did not slow down). Set at start; V8 reads this flag
 * at every full collection (the young generation's size, by contrast, is fixed at start-up).
 */
export function keepHeapNearLiveData(): void {
  v8.setFlagsFromString('--heap-growing-percent=50')
}
