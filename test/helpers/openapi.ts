import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import YAML from 'yaml'

export const spec = YAML.parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'))
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)
ajv.addSchema(spec, 'openapi')

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

/** Errors of `body` against the spec's response schema for this operation, or [] when it conforms. */
export function responseErrors(method: string, path: string, status: number, body: unknown, type = 'application/json'): string[] {
  const ref = `openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status))}`
  let schemaRef = `${ref}/${pointer('content', type, 'schema')}`
  const response = spec.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]
  if (!response) return [`${method} ${path} ${status} is not in openapi.yaml`]
  if (response.$ref) schemaRef = `openapi${response.$ref}/${pointer('content', type, 'schema')}`
  const validate = ajv.getSchema(schemaRef) ?? ajv.compile({ $ref: schemaRef })
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
