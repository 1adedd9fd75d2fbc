import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from './net.ts'

/** The Python that has Debian's django + cas_server (not a pyenv one earlier on PATH). */
const PYTHON = process.env.CAS_TEST_PYTHON ?? '/usr/bin/python3'

export const casUser = {
  username: 'JDupont',
  password: 'correct horse battery staple',
  attributes: { mail: 'jean.dupont@univ.example', displayName: 'Jean Dupont', eduPersonAffiliation: ['member', 'faculty'], uid: 'jdupont' },
}

const settings = (dir: string) => `
import os
SECRET_KEY = 'test-only-not-secret'
DEBUG = bool(os.environ.get('DEBUG_CAS'))
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', 'django.contrib.messages', 'django.contrib.staticfiles', 'cas_server']
MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.middleware.common.CommonMiddleware', 'django.middleware.csrf.CsrfViewMiddleware',
  'django.contrib.auth.middleware.AuthenticationMiddleware', 'django.contrib.messages.middleware.MessageMiddleware', 'django.middleware.locale.LocaleMiddleware']
TEMPLATES = [{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'APP_DIRS': True, 'DIRS': [], 'OPTIONS': {'context_processors': [
  'django.template.context_processors.request', 'django.contrib.auth.context_processors.auth', 'django.contrib.messages.context_processors.messages']}}]
ROOT_URLCONF = 'casurls'
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ${JSON.stringify(path.join(dir, 'cas.sqlite3'))}}}
USE_TZ = True
STATIC_URL = '/static/'
CAS_AUTH_CLASS = 'cas_server.auth.TestAuthUser'
CAS_TEST_USER = ${JSON.stringify(casUser.username)}
CAS_TEST_PASSWORD = ${JSON.stringify(casUser.password)}
CAS_TEST_ATTRIBUTES = ${JSON.stringify(casUser.attributes)}
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_SLO_TIMEOUT = 5
`

const urls = `
from django.urls import re_path
from django.conf.urls import include
urlpatterns = [re_path(r'^cas/', include('cas_server.urls', namespace='cas_server'))]
`

// The portal's callback on any local port, with every attribute released and single logout on.
const servicePattern = `
from cas_server.models import ServicePattern, ReplaceAttributName
p = ServicePattern.objects.create(pos=1, name='portal', pattern=r'^http://127\\.0\\.0\\.1:\\d+/auth/cas/callback$', single_log_out=True)
ReplaceAttributName.objects.create(name='*', service_pattern=p)
`

/**
 * Debian's django-cas-server (python3-django-cas-server) on 127.0.0.1, with one test user,
 * migrated into a fresh SQLite file. Its base URL ends in /cas, as most universities' do.
 */
export async function startCasServer(): Promise<{ url: string; logs(): string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bbbp-cas-'))
  writeFileSync(path.join(dir, 'cassettings.py'), settings(dir))
  writeFileSync(path.join(dir, 'casurls.py'), urls)
  const env = { ...process.env, PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'cassettings', PYTHONDONTWRITEBYTECODE: '1' }
  const admin = (...args: string[]) => {
    const r = spawnSync(PYTHON, ['-m', 'django', ...args], { env, cwd: dir, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`django ${args[0]} failed: ${r.stderr || r.error}`)
  }
  admin('migrate', '--noinput', '-v', '0')
  admin('shell', '-c', servicePattern)
  const port = await freePort()
  const child: ChildProcess = spawn(PYTHON, ['-m', 'django', 'runserver', `127.0.0.1:${port}`, '--noreload', '--nothreading'], { env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => {
    stderr += d
    if (process.env.DEBUG_CAS) process.stderr.write(d)
  })
  const url = `http://127.0.0.1:${port}/cas`
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${url}/login`)
      if (res.status === 200) break
    } catch { /* not yet */ }
    if (i > 100 || child.exitCode !== null) throw new Error(`the CAS server did not start: ${stderr.slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    logs: () => stderr,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
        })
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
