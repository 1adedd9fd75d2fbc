/** A reply from another system grew past what we accept from it. */
export class ReplyTooLargeError extends Error {
  constructor(label: string, maxBytes: number) {
    super(`${label}: the reply is larger than the ${maxBytes} bytes accepted`)
    this.name = 'ReplyTooLargeError'
  }
}

/** Reads a whole reply body as text, refusing it past `maxBytes` (the rest is never read). */
export async function readCapped(body: AsyncIterable<Buffer | string> & { destroy?(): void }, maxBytes: number, label: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += buffer.length
    if (size > maxBytes) {
      body.destroy?.()
      throw new ReplyTooLargeError(label, maxBytes)
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
