/**
 * Light or dark: the person's choice (system, light, dark), kept in localStorage, resolved against
 * the system setting and written to <html data-theme>, which the stylesheets' palettes key on.
 */

/** What a person can choose; `system` follows `prefers-color-scheme`. */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const
export type ThemeChoice = (typeof THEME_CHOICES)[number]
export type Theme = 'light' | 'dark'

/** localStorage key of the choice; absent means `system`. */
export const THEME_STORAGE_KEY = 'tandem.theme'
/** The media query that says the system prefers dark. */
export const DARK_SCHEME_QUERY = '(prefers-color-scheme: dark)'

export function readThemeChoice(storage: Pick<Storage, 'getItem'>): ThemeChoice {
  const stored = storage.getItem(THEME_STORAGE_KEY)
  return (THEME_CHOICES as readonly (string | null)[]).includes(stored) ? (stored as ThemeChoice) : 'system'
}

export function saveThemeChoice(storage: Pick<Storage, 'setItem' | 'removeItem'>, choice: ThemeChoice): void {
  if (choice === 'system') storage.removeItem(THEME_STORAGE_KEY)
  else storage.setItem(THEME_STORAGE_KEY, choice)
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light'
  return choice
}

/** The toggle cycles system -> light -> dark -> system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length]!
}

/** Marks the page with `theme`; the stylesheets key their palettes (and `color-scheme`) on it. */
export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme
}

/**
 * Applies the stored choice now and again whenever the system setting changes or another tab
 * changes the choice. Reads the choice from storage each time, so the toggle needs no shared state.
 * Returns a function that stops listening.
 */
export function startThemeSync(root: HTMLElement, storage: Storage, media: MediaQueryList): () => void {
  const apply = () => applyTheme(root, resolveTheme(readThemeChoice(storage), media.matches))
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_STORAGE_KEY || event.key === null) apply()
  }
  apply()
  media.addEventListener('change', apply)
  window.addEventListener('storage', onStorage)
  return () => {
    media.removeEventListener('change', apply)
    window.removeEventListener('storage', onStorage)
  }
}
