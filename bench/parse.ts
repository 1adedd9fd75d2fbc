// The `parse` case: what the sync's parsing alone costs (fast-xml-parser, then zod), on the same
// synthetic recordings as the sync cases, in this process, with no HTTP and no database. It is
// the floor under a first sync's time on one core.
import { parseRecordings } from '../src/bbb/recording.ts'
import { recordingXml } from '../src/demo/fake-bbb-xml.ts'
import { syntheticRecording } from '../src/demo/synthetic.ts'

export function benchParse(n: number, runs: number) {
  let megabytes = 0
  const seconds: number[] = []
  for (let i = 0; i < runs; i++) {
    let spent = 0
    megabytes = 0
    // Made a batch at a time, as the sync receives them: 100 000 recordings held at once would
    // make the garbage collector's work, not the parser's, the figure.
    for (let at = 0; at < n; at += 500) {
      const xmls = Array.from({ length: Math.min(500, n - at) }, (_, k) => recordingXml(syntheticRecording(at + k), { baseUrl: 'https://bbb.example.edu' }))
      megabytes += xmls.reduce((sum, x) => sum + Buffer.byteLength(x), 0) / 1e6
      const started = performance.now()
      const parsed = parseRecordings(xmls)
      spent += performance.now() - started
      if (parsed.some((p) => !p.ok)) throw new Error('a synthetic recording did not parse')
    }
    seconds.push(spent / 1000)
  }
  const wall = [...seconds].sort((a, b) => a - b)[Math.floor(runs / 2)]!
  console.log(JSON.stringify({
    case: 'parse only: fast-xml-parser + zod, one core, no HTTP, no database', recordings: n, megabytes: Math.round(megabytes), runs,
    parseSeconds: Number(wall.toFixed(2)), megabytesPerSecond: Number((megabytes / wall).toFixed(1)),
  }))
}
