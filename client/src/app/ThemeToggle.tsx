/** A button that cycles the colour theme: follow the system, light, dark. Remembered in localStorage. */
import { useState } from 'react'
import { Icon } from '../editor/icons'
import { browserStorage } from '../storage/browserStorage'
import {
  applyTheme,
  DARK_SCHEME_QUERY,
  nextThemeChoice,
  readThemeChoice,
  resolveTheme,
  saveThemeChoice,
  type ThemeChoice,
} from './theme'

const LABELS: Record<ThemeChoice, string> = {
  system: 'Theme: follows the system',
  light: 'Theme: light',
  dark: 'Theme: dark',
}

export function ThemeToggle({ className = '' }: { className?: string }) {
  const [choice, setChoice] = useState(() => readThemeChoice(browserStorage()))
  const label = LABELS[choice]
  return (
    <button
      aria-label={`${label}. Change theme`}
      className={`tandem-button tandem-icon-button theme-toggle ${className}`}
      data-choice={choice}
      data-testid="theme-toggle"
      onClick={() => {
        const next = nextThemeChoice(choice)
        saveThemeChoice(browserStorage(), next)
        applyTheme(document.documentElement, resolveTheme(next, window.matchMedia(DARK_SCHEME_QUERY).matches))
        setChoice(next)
      }}
      title={label}
      type="button"
    >
      <ThemeIcon choice={choice} />
    </button>
  )
}

function ThemeIcon({ choice }: { choice: ThemeChoice }) {
  return (
    <Icon>
      <>
        {choice === 'system' && (
          <>
            <rect height="12" rx="2" width="18" x="3" y="4" />
            <path d="M8 20h8M12 16v4" />
          </>
        )}
        {choice === 'light' && (
          <>
            <circle cx="12" cy="12" r="4" />
            <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
          </>
        )}
        {choice === 'dark' && <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" />}
      </>
    </Icon>
  )
}
