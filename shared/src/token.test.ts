import { describe, expect, it } from 'vitest'
import { isRole, ROLES } from './token'

describe('isRole', () => {
  it('accepts exactly the roles a token may carry', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true)
    for (const value of ['Editor', 'admin', '', undefined, null, 1, ['editor'], { role: 'editor' }]) {
      expect(isRole(value), JSON.stringify(value)).toBe(false)
    }
  })
})
