import { Command } from 'commander'
import { runChecks, type CheckResult } from '../check/checks.ts'
import type { AppConfig } from '../config.ts'

export const checkLine = (r: CheckResult) => `${r.ok ? 'ok  ' : 'FAIL'}  ${r.part}: ${r.detail}`

export function checkCommand(config: () => AppConfig) {
  return new Command('check')
    .description('Connect to every configured part (BBB sources, Moodle, Greenlight, Pod, CAS/OIDC, SMTP) and say, in one line each, what works. Exit 0 only when all do.')
    .action(async () => {
      const results = await runChecks(config())
      for (const result of results) console.log(checkLine(result))
      if (!results.length) console.log('nothing is configured yet (see .env.example)')
      process.exitCode = results.every((r) => r.ok) ? 0 : 1
    })
}
