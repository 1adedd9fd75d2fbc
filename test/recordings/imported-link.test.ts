import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { resultLink } from '../../src/publish/target.ts'
import { importHarness, waitForImport } from '../helpers/imports.ts'
import { cookieClient } from '../helpers/portal.ts'

/** A local SMTP server keeping what it receives. */
async function mailbox(t: { teardown(fn: () => unknown): void }) {
  const { SMTPServer } = await import('smtp-server')
  const mails: string[] = []
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      let body = ''
      stream.on('data', (d: Buffer) => (body += d))
      stream.on('end', () => { mails.push(body.replace(/=\r?\n/g, '')); callback() })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  return { url: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, mails }
}

t.test('a video kept in a plain folder is reached from the teacher page, the API and the e-mail, by its owners only', async (t) => {
  const exportDir = mkdtempSync(path.join(tmpdir(), 'bbbp-export-'))
  t.teardown(() => rmSync(exportDir, { recursive: true, force: true }))
  const mail = await mailbox(t)
  const h = await importHarness(t, { PUBLISH_TARGET: 'directory', EXPORT_DIR: exportDir, AUTH: 'demo', PUBLIC_URL: 'https://portail.univ.example', SMTP_URL: mail.url, MAIL_FROM: 'bbb@univ.example' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const local = done.pod_video_url!
  t.match(local, /^\/downloads\/[^/]+\.mp4$/)
  const file = path.join(exportDir, decodeURIComponent(local.slice('/downloads/'.length)))

  const api = await h.app.inject({ method: 'GET', url: `/api/v1/recordings/${h.ids[0]}`, headers: h.as('jdupont') })
  t.same(api.json().import.link, { kind: 'download', url: `https://portail.univ.example${local}` }, 'the API gives the absolute link')

  const owner = cookieClient(h.app)
  await owner.demoLogin('jdupont')
  const page = (await owner.get('/recordings')).body
  t.match(page, `<a class="result" data-kind="download" href="${local}">Télécharger la vidéo</a>`, 'the teacher page links the download')
  const download = await owner.get(local)
  t.equal(download.statusCode, 200)
  t.equal(download.headers['content-type'], 'video/mp4')
  t.equal(download.rawPayload.length, statSync(file).size, 'the whole file')

  const other = cookieClient(h.app)
  await other.demoLogin('nouveau')
  t.equal((await other.get(local)).statusCode, 404, "someone else's video is a 404")
  const traversal = await owner.get('/downloads/..%2F..%2Fetc%2Fpasswd.mp4')
  t.equal(traversal.statusCode, 404, 'a path is no name')
  t.equal((await cookieClient(h.app).get(local)).statusCode, 303, 'a visitor is sent to log in')

  for (let i = 0; i < 50 && !mail.mails.length; i++) await new Promise((r) => setTimeout(r, 50))
  t.match(mail.mails[0], `https://portail.univ.example${local}`, 'the e-mail carries the absolute link')
})

t.test("a video in Pod links to its page, one waiting in Pod's claim list to that list", async (t) => {
  const h = await importHarness(t, { AUTH: 'demo' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const owner = cookieClient(h.app)
  await owner.demoLogin('jdupont')
  t.match((await owner.get('/recordings')).body, `data-kind="pod" href="${done.pod_video_url}" target="_blank" rel="noopener noreferrer">Voir dans Pod</a>`)
  t.same(resultLink('https://pod.univ.example/record/claim_record/', 'https://portail.example'), { kind: 'claim', url: 'https://pod.univ.example/record/claim_record/' })
})
