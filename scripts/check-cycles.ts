// No import cycle between the files of src/, nor between its top folders (each root file counts
// as its own): `node --import tsx scripts/check-cycles.ts`, run by `npm test`. madge reads the
// imports (type-only ones included); the folder graph and its cycles are computed here.
import path from 'node:path'
import madge from 'madge'

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..')
const graph = await madge(path.join(root, 'src'), { fileExtensions: ['ts'], tsConfig: path.join(root, 'tsconfig.json') })

const fileCycles = graph.circular()
const folderOf = (file: string) => file.split('/')[0]!
const folders = new Map<string, Set<string>>()
for (const [file, imports] of Object.entries(graph.obj())) {
  const from = folderOf(file)
  const edges = folders.get(from) ?? folders.set(from, new Set()).get(from)!
  for (const imported of imports) if (folderOf(imported) !== from) edges.add(folderOf(imported))
}

/** Tarjan's strongly connected components with more than one folder: each is a cycle. */
function folderCycles(): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const found: string[][] = []
  const visit = (node: string) => {
    index.set(node, index.size)
    low.set(node, index.get(node)!)
    stack.push(node)
    for (const next of folders.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!))
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    for (let top = stack.pop()!; ; top = stack.pop()!) {
      component.push(top)
      if (top === node) break
    }
    if (component.length > 1) found.push(component.sort())
  }
  for (const node of folders.keys()) if (!index.has(node)) visit(node)
  return found
}

const cycles = folderCycles()
for (const cycle of fileCycles) console.error(`file cycle: ${cycle.join(' → ')} → ${cycle[0]}`)
for (const cycle of cycles) {
  const edges = cycle.flatMap((a) => cycle.filter((b) => folders.get(a)?.has(b)).map((b) => `${a} → ${b}`))
  console.error(`folder cycle: ${cycle.join(', ')} (${edges.join('; ')})`)
}
if (fileCycles.length || cycles.length) process.exit(1)
console.log(`no import cycle: ${Object.keys(graph.obj()).length} files, ${folders.size} folders and root files`)
