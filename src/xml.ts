/**
 * An XML text that declares a DTD subset or entities. No reply we read needs either, and an
 * entity is how a billion-laughs or an external-entity attack starts, so such texts are refused
 * before any parser sees them. A bare `<!DOCTYPE svg PUBLIC …>` (common in slide SVGs) declares
 * nothing and passes.
 */
export const declaresEntities = (xml: string) => /<!DOCTYPE[^>[]*\[|<!ENTITY/i.test(xml)
