/** Validates one short text field of a JSON body: type, trimmed length, no control characters. */
import { API_ERROR_CODES, HTTP_STATUS } from '@tandem/shared'
import { ApiError } from './ApiError'

export interface TextFieldRule {
  /** Longest accepted value after trimming, in UTF-16 code units. */
  maxLength: number
  /** When true, absent or blank values are refused. Default false. */
  required?: boolean
}

// Titles and names end up in the UI, logs and awareness; control characters only ever do harm there.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u

/** The trimmed value of `body[field]`, or undefined when absent/blank and not required. Throws 400. */
export function readTextField(
  body: Readonly<Record<string, unknown>> | undefined,
  field: string,
  rule: TextFieldRule,
): string | undefined {
  const value = body?.[field]
  const invalid = (problem: string) =>
    new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, `${field} ${problem}`)
  if (value === undefined || value === null) {
    if (rule.required) throw invalid('is required')
    return undefined
  }
  if (typeof value !== 'string') throw invalid('must be a string')
  const text = value.trim()
  if (text === '') {
    if (rule.required) throw invalid('must not be blank')
    return undefined
  }
  if (text.length > rule.maxLength) throw invalid(`must be at most ${rule.maxLength} characters`)
  if (CONTROL_CHARACTERS.test(text)) throw invalid('must not contain control characters')
  return text
}
