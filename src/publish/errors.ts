/** A failure that retrying cannot mend (4xx from Pod, recording gone): the import fails at once. */
export class PermanentImportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PermanentImportError'
  }
}
