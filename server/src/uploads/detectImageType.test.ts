import { describe, expect, it } from 'vitest'
import { detectImageType } from './detectImageType'

const bytes = (...values: number[]) => new Uint8Array(values)
const ascii = (text: string) => new TextEncoder().encode(text)

describe('detectImageType', () => {
  it('recognises png, jpeg, gif (87a and 89a) and webp by their first bytes', () => {
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png')
    expect(detectImageType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg')
    expect(detectImageType(ascii('GIF87a...'))).toBe('image/gif')
    expect(detectImageType(ascii('GIF89a...'))).toBe('image/gif')
    expect(detectImageType(ascii('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('image/webp')
  })

  it('refuses SVG, HTML, other RIFF files, truncated signatures and empty input', () => {
    expect(
      detectImageType(ascii('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
    ).toBeNull()
    expect(detectImageType(ascii('<?xml version="1.0"?><svg/>'))).toBeNull()
    expect(detectImageType(ascii('<html><img src=x onerror=alert(1)>'))).toBeNull()
    expect(detectImageType(ascii('RIFF\x10\x00\x00\x00WAVEfmt '))).toBeNull()
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull()
    expect(detectImageType(bytes())).toBeNull()
  })
})
