/** Entry of the Tandem web app. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { registerOfflineShell } from './app/registerOfflineShell'
import './styles/editor.css'
import './styles/app.css'

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
registerOfflineShell()
