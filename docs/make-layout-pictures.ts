// Makes the layout pictures of README (docs/layout-*.png): a synthetic recording (one slide with
// ink, a camera on from 5 s to 15 s, the chat of test/fixtures) converted with each --webcam and
// --chat, one frame of each. Run: node --import tsx docs/make-layout-pictures.ts
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { writeSyntheticPresentation, type PresentationSpec } from '../src/demo/synthetic-presentation.ts'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')
const work = await mkdtemp(path.join(tmpdir(), 'bbbp-layout-pictures-'))

const lecture: PresentationSpec = {
  recordId: 'layout-lecture', durationS: 20,
  slides: [{ colour: '#dce6f2', in: 0, out: 20 }],
  ink: [
    { slide: 0, t: 1, shape: 'rectangle1', style: 'stroke:#1f4e9c;fill:none;stroke-width:10', svg: '<rect x="200" y="150" width="700" height="400"/>' },
    { slide: 0, t: 2, shape: 'pencil2', style: 'stroke:#c0392b;stroke-width:12;fill:none', svg: '<path d="M1000 700C1100 500 1250 800 1400 600"/>' },
  ],
  webcam: { on: [[5, 15]] },
}

/** Converts a published folder and keeps the frame at `at` seconds as docs/<name>.png, 480 px wide. */
async function picture(dir: string, name: string, at: number, options: string[]) {
  const mp4 = path.join(work, `${name}.mp4`)
  await run(process.execPath, [path.join(root, 'bin/bbb-portal.js'), 'convert', '--local', dir, mp4, ...options])
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-ss', String(at), '-i', mp4, '-frames:v', '1', '-vf', 'scale=480:-1', path.join(root, 'docs', `${name}.png`)])
  console.log(`docs/${name}.png`)
}

try {
  const dir = await writeSyntheticPresentation(work, lecture)
  for (const file of ['slides_new.xml', 'polls.json']) await copyFile(path.join(root, 'test/fixtures/bbb', `presentation-${file}`), path.join(dir, file))
  await picture(dir, 'layout-side', 10, [])
  await picture(dir, 'layout-off', 3, [])
  await picture(dir, 'layout-pip', 10, ['--webcam', 'pip'])
  await picture(dir, 'layout-chat', 10, ['--chat', 'panel'])
  // A meeting without slides: BBB shows its logo, and the player gives the frame to the cameras.
  const bare = await writeSyntheticPresentation(work, { ...lecture, recordId: 'layout-cameras', ink: [] })
  const shapes = path.join(bare, 'shapes.svg')
  const href = /xlink:href="([^"]+)"/.exec(await readFile(shapes, 'utf8'))![1]!
  await rename(path.join(bare, href), path.join(bare, 'presentation', 'logo.png'))
  await writeFile(shapes, (await readFile(shapes, 'utf8')).replace(href, 'presentation/logo.png'))
  await picture(bare, 'layout-fill', 10, [])
} finally {
  await rm(work, { recursive: true, force: true })
}
