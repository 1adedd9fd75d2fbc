/** Waits until `check` holds, polling every 50 ms; fails with what was awaited after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  for (const deadline = Date.now() + ms; !(await check()); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`)
  }
}
