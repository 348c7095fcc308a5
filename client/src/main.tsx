/** Entry of the Tandem web app. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { registerOfflineShell } from './app/registerOfflineShell'
import { DARK_SCHEME_QUERY, startThemeSync } from './app/theme'
import { browserStorage } from './storage/browserStorage'
import './styles/editor.css'
import './styles/app.css'

// Before the first render, so no page ever paints in the wrong theme.
startThemeSync(document.documentElement, browserStorage(), window.matchMedia(DARK_SCHEME_QUERY))

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
registerOfflineShell()
