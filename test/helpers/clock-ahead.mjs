// Loaded with --import: this process's clock runs CLOCK_AHEAD_MS ahead of the machine's (a worker
// on a host whose clock drifted), while the database keeps the real time.
const offset = Number(process.env.CLOCK_AHEAD_MS ?? 0)
const RealDate = Date
globalThis.Date = class extends RealDate {
  constructor(...args) {
    if (args.length) super(...args)
    else super(RealDate.now() + offset)
  }

  static now() {
    return RealDate.now() + offset
  }
}
