import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { httpSource, safeAssetPath } from '../../src/convert/asset-source.ts'
import { convertPlayback } from '../../src/convert/converter.ts'
import { parsePlaybackInput } from '../../src/convert/playback-input.ts'
import { writeSyntheticPresentation } from '../../src/demo/synthetic-presentation.ts'
import { playbackHost, RECORD_ID } from '../helpers/playback.ts'

async function server(t: { teardown(fn: () => void): void }, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler).listen(0, '127.0.0.1')
  await once(s, 'listening')
  t.teardown(() => {
    s.closeAllConnections()
    s.close()
  })
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`
}

t.test('hrefs: only plain paths inside the recording', async (t) => {
  t.equal(safeAssetPath('presentation/abc-1/slide-1.png'), 'presentation/abc-1/slide-1.png')
  t.equal(safeAssetPath('https://bbb.example/presentation/r1/presentation/p/slide-2.png', 'https://bbb.example/presentation/r1/'), 'presentation/p/slide-2.png')
  for (const bad of ['../../etc/passwd', 'presentation/../../x', '/etc/passwd', 'file:///etc/passwd', 'https://evil.example/x.png', '//evil.example/x.png', 'presentation/%2e%2e/x', 'a\\b', 'javascript:alert(1)', 'data:image/png;base64,AAAA']) {
    t.throws(() => safeAssetPath(bad, 'https://bbb.example/presentation/r1/'), /refused href/, bad)
  }
  t.throws(() => safeAssetPath('https://bbb.example/presentation/other/x.png', 'https://bbb.example/presentation/r1/'), /only files of the recording itself/)
})

t.test('playback URL forms', async (t) => {
  const id = RECORD_ID
  t.match(parsePlaybackInput(`https://bbb.univ.fr/playback/presentation/2.0/playback.html?meetingId=${id}`), { kind: 'presentation', assetBase: `https://bbb.univ.fr/presentation/${id}/` })
  t.match(parsePlaybackInput(`https://bbb.univ.fr/playback/presentation/0.9.0/playback.html?meetingId=${id}`), { kind: 'presentation' })
  t.match(parsePlaybackInput(`https://bbb.univ.fr/playback/presentation/2.3/${id}?t=1h2m`), { kind: 'presentation', recordId: id })
  t.match(parsePlaybackInput(`https://sl.univ.fr/recording/${id}/presentation?token=abc`), { kind: 'scalelite', recordId: id })
  t.match(parsePlaybackInput(`https://bbb.univ.fr/playback/video/${id}/`), { kind: 'video', assetBase: `https://bbb.univ.fr/playback/video/${id}/` })
  t.throws(() => parsePlaybackInput('https://bbb.univ.fr/playback/presentation/2.0/playback.html?meetingId=../../x'), /no valid record id/)
  t.throws(() => parsePlaybackInput('https://user:pw@bbb.univ.fr/playback/presentation/2.3/abc'), /credentials/)
  t.throws(() => parsePlaybackInput('https://bbb.univ.fr/b/room-123'), /not a BBB playback URL/)
  t.throws(() => parsePlaybackInput('/nonexistent/folder', { local: true }), /neither a playback URL nor a folder/)
  t.throws(() => parsePlaybackInput('/nonexistent/folder'), /is not a playback URL/, 'a path only when asked for')
})

t.test('the HTTP source: redirects within the origin only, size caps, retries, 404 as absent', async (t) => {
  const other = await server(t, (_req, res) => res.end('secret'))
  let flaky = 0
  const base = await server(t, (req, res) => {
    const p = req.url!
    if (p.endsWith('/moved.xml')) return void res.writeHead(302, { location: '/presentation/r1/real.xml' }).end()
    if (p.endsWith('/real.xml')) return void res.end('<ok/>')
    if (p.endsWith('/away.xml')) return void res.writeHead(302, { location: `${other}/x` }).end()
    if (p.endsWith('/big-declared.png')) return void res.writeHead(200, { 'content-length': '2000' }).end(Buffer.alloc(2000))
    if (p.endsWith('/big-chunked.png')) {
      res.writeHead(200)
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(300))
      return void res.end()
    }
    if (p.endsWith('/flaky.xml')) return void (++flaky < 3 ? res.writeHead(503).end() : res.end('<third/>'))
    if (p.endsWith('/forbidden.xml')) return void res.writeHead(403).end()
    res.writeHead(404).end('<html>404 Not Found</html>')
  })
  const source = httpSource({ assetBase: `${base}/presentation/r1/`, retries: 3 })
  t.equal(String(await source.read('moved.xml', 1000)), '<ok/>')
  await t.rejects(source.read('away.xml', 1000), /refused redirect of away.xml to 127.0.0.1:\d+: only the recording's own server/)
  await t.rejects(source.read('big-declared.png', 1000), /big-declared.png is larger than/)
  await t.rejects(source.read('big-chunked.png', 1000), /big-chunked.png is larger than/)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bbb-fetch-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  await t.rejects(source.fetchToFile('big-chunked.png', path.join(dir, 'x'), 1000), /larger than/)
  t.equal(String(await source.read('flaky.xml', 1000)), '<third/>', 'retried after two 503')
  t.equal(flaky, 3)
  await t.rejects(source.read('forbidden.xml', 1000), { message: /HTTP 403/, retryable: false })
  t.equal(await source.read('missing.xml', 1000), null)
  t.throws(() => httpSource({ assetBase: `${base}/presentation/r1/`, allowedOrigins: ['https://bbb.univ.fr'] }), /not one of the configured BBB hosts/)
})

t.test('conversions refuse hostile recordings with a clear reason', async (t) => {
  const host = await playbackHost(t)
  const out = mkdtempSync(path.join(os.tmpdir(), 'bbb-refuse-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const make = async (id: string, edit?: (shapes: string) => string, omit?: string[]) => {
    const dir = await writeSyntheticPresentation(host.root, { recordId: id, durationS: 4, slides: [{ colour: '#ff0000', in: 0, out: 4 }], omit })
    if (edit) writeFileSync(path.join(dir, 'shapes.svg'), edit(readFileSync(path.join(dir, 'shapes.svg'), 'utf8')))
    return `${host.url}playback/presentation/2.3/${id}`
  }
  const output = path.join(out, 'x.mp4')
  await t.rejects(convertPlayback(await make('r-foreign', (s) => s.replace(/xlink:href="[^"]+"/, 'xlink:href="http://169.254.169.254/latest/meta-data"')), output), /refused href.*only files of the recording itself/)
  await t.rejects(convertPlayback(await make('r-dotdot', (s) => s.replace(/xlink:href="[^"]+"/, 'xlink:href="presentation/../../../etc/passwd"')), output), /refused href.*not a plain path/)
  await t.rejects(convertPlayback(await make('r-big'), output, { maxImageBytes: 100 }), /slide-1.png is larger than/)
  await t.rejects(convertPlayback(await make('r-mute', undefined, ['audio']), output), /no audio in .*audio\/audio/)
  await t.rejects(convertPlayback(await make('r-nometa', undefined, ['metadata.xml']), output), /metadata.xml is missing/)
  await t.rejects(convertPlayback(`${host.url}playback/presentation/2.3/r-ok`, output, { allowedOrigins: ['https://bbb.univ.fr'] }), /not one of the configured BBB hosts/)
})
