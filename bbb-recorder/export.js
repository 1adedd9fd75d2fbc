#!/usr/bin/env node
// Drop-in for jibon57/bbb-recorder's export.js, as Esup-Pod calls it:
//   cd <IMPORT_VIDEO_BBB_RECORDER_PLUGIN>; node export.js <playback url> <file> [seconds] [mp4]
// Instead of filming Chrome in real time it runs `bbb-portal convert`, which renders the published
// files far faster, and writes <copyToPath>/<file> (copyToPath from ./.env, a JSON file, like
// bbb-recorder). The file holds MP4 even when its name ends in .webm: Pod re-encodes by content.
// Exit code 0 only when the file is complete. Pod passes URLs that teachers typed: only http(s)
// playback URLs of the hosts in `allowedHosts` (./.env) or CONVERT_ALLOWED_HOSTS are converted,
// never a local folder.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const fail = (message) => {
  console.error(`export.js: ${message}`)
  process.exit(1)
}

const [url, name, seconds] = process.argv.slice(2)
if (!url || !name) fail('usage: node export.js <playback url> <file name> [seconds, 0 = all]')
if (!/^https?:\/\/[^/\\?#\s]/i.test(url)) fail(`refused ${JSON.stringify(url.slice(0, 200))}: an http(s) playback URL is expected`)
if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(name) || name.includes('..')) fail(`refused file name ${JSON.stringify(name)}: a plain file name is expected`)

let settings = {}
const envFile = path.join(here, '.env')
if (existsSync(envFile)) {
  try {
    settings = JSON.parse(readFileSync(envFile, 'utf8'))
  } catch (error) {
    fail(`${envFile} is not valid JSON: ${error.message}`)
  }
}
const copyToPath = settings.copyToPath ?? '/var/www/bigbluebutton-default/record'
if (!existsSync(copyToPath)) fail(`copyToPath ${copyToPath} does not exist (set it in ${envFile})`)
const file = path.join(copyToPath, /\.[a-z0-9]{2,4}$/i.test(name) ? name : `${name}.mp4`)

const bin = settings.bbbPortal ?? path.join(here, '..', 'bin', 'bbb-portal.js')
// The import workers' Node flags: a small young generation keeps the converter's peak memory low
// (bench/README.md, "Node flags").
const args = ['--heap-growing-percent=50', '--max-semi-space-size=2', bin, 'convert', url, file, '--progress']
if (seconds && Number(seconds) > 0) args.push('--to', String(Number(seconds)))
const allowedHosts = [settings.allowedHosts ?? []].flat().join(',') || process.env.CONVERT_ALLOWED_HOSTS
const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...(allowedHosts ? { CONVERT_ALLOWED_HOSTS: allowedHosts } : {}) } })
child.on('error', (error) => fail(error.message))
child.on('close', (code) => process.exit(code === 0 ? 0 : 1))
