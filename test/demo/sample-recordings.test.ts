import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { launchChromium, screenshot } from '../helpers/chromium.ts'
import { sampleSource } from '../helpers/samples.ts'

// The demo's recordings look like lectures: slides with a title, bullets and a diagram, a French
// voice reading them, and a player page on the sample server that shows them in time.
t.test('the sample lectures: real slides, a voice, a player that plays them', async (t) => {
  const { fake, bbbUrl, publishedDir } = await sampleSource(t)
  const lecture = fake.recordings.find((r) => r.name === 'Algèbre linéaire — séance 1')!
  const previews = lecture.formats[0]!.previews!
  t.same(previews.map((p) => p.alt), ['Espaces vectoriels', 'Bases et dimension', 'Exercices'], 'previews named after the slide titles')

  const root = path.join(publishedDir, 'presentation', lecture.recordId)
  const textOf = readFileSync(path.join(root, previews[0]!.url.split(`/presentation/${lecture.recordId}/`)[1]!.replace(/thumbnails\/thumb-1\.png$/, 'textfiles/slide-1.txt')), 'utf8')
  t.equal(textOf, 'Espaces vectoriels\nUn ensemble muni de deux lois\nAddition de vecteurs\nMultiplication par un scalaire', 'the slide text BBB keeps for search')

  // A voice has pauses between sentences; a tone has none.
  const audio = path.join(root, 'audio', 'audio.webm')
  const { stderr } = spawnSync('ffmpeg', ['-hide_banner', '-i', audio, '-af', 'silencedetect=n=-45dB:d=0.25', '-f', 'null', '-'], { encoding: 'utf8' })
  t.ok((stderr.match(/silence_start/g) ?? []).length >= 3, 'the sound is speech (espeak-ng), with pauses')

  const browser = await launchChromium(t, ['--autoplay-policy=no-user-gesture-required', '--mute-audio'])
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } })
  await page.goto(`${bbbUrl}playback/presentation/2.3/${lecture.recordId}`)
  await page.waitForFunction(() => (document.getElementById('slide') as HTMLImageElement | null)?.naturalWidth === 1600)
  const slide = await page.locator('#slide').getAttribute('src')
  t.match(slide, /slide-1\.png$/, 'the first slide shows')
  const duration = await page.evaluate(() => new Promise<number>((resolve) => {
    const sound = document.getElementById('sound') as HTMLAudioElement
    if (sound.readyState >= 1) resolve(sound.duration)
    sound.addEventListener('loadedmetadata', () => resolve(sound.duration))
  }))
  t.ok(duration > 55 && duration < 65, `its sound plays (${duration} s)`)
  // Played fast: the slides follow the sound.
  await page.evaluate(() => { const s = document.getElementById('sound') as HTMLAudioElement; s.playbackRate = 16; return s.play() })
  await page.waitForFunction(() => (document.getElementById('slide') as HTMLImageElement).src.endsWith('slide-2.png'), undefined, { timeout: 20_000 })
  t.pass('the second slide once the sound passes 20 s')
  await screenshot(page, 'demo-player')
})
