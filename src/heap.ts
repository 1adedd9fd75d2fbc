import v8 from 'node:v8'

/**
 * A sync holds little at once (the recordIDs seen and the batch in hand) but allocates far more
 * on the way: each recording's XML, its parsed tree, its row. By default V8 lets the old
 * generation grow to about four times what survived the last full collection before it collects
 * again, so a first sync's peak RSS was mostly garbage waiting. Growing it by half instead keeps
 * the peak close to the live data; a full collection of so little is quick, so the time does not
 * move. The `sync` cases of `npm run bench` print the peak RSS, the `api` case the server's
 * throughput (it runs with this too). Set at start; V8 reads this flag at every full collection
 * (the young generation's size, by contrast, is fixed at start-up).
 */
export function keepHeapNearLiveData(): void {
  v8.setFlagsFromString('--heap-growing-percent=50')
}
