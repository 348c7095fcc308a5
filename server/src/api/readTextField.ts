/** Validates one short text field of a JSON body: type, trimmed length, no control or bidi characters. */
import { API_ERROR_CODES, HTTP_STATUS, hasUnsafeTextCharacters } from '@tandem/shared'
import { ApiError } from '../http/ApiError'

export interface TextFieldRule {
  /** Longest accepted value after trimming, in UTF-16 code units. */
  maxLength: number
  /** When true, absent or blank values are refused. Default false. */
  required?: boolean
}

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
  // Titles and names end up in the UI, logs and awareness; these characters only ever do harm there.
  if (hasUnsafeTextCharacters(text)) {
    throw invalid('must not contain control characters, bidirectional controls or lone surrogates')
  }
  return text
}
