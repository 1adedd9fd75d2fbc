// A fake BBB with N synthetic recordings, in its own process so it does not weigh on the
// sync's memory figures. Prints its URL, then serves until killed.
import { FakeBbb, type Flavour } from '../src/demo/fake-bbb.ts'
import { syntheticRecordings } from '../src/demo/synthetic.ts'

const [count, flavour, secret] = process.argv.slice(2)
const fake = new FakeBbb({ secret: secret ?? 'bench', flavour: flavour as Flavour, recordings: syntheticRecordings(Number(count)) })
const url = await fake.start()
fake.prerender()
console.log(url)
