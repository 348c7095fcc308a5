/** Toolbar icons: small inline SVGs drawn with the current text colour. */
import type { JSX } from 'react'

/** The frame every icon shares: 18 px, 24-unit grid, stroked in the text colour. */
export function Icon({ children }: { children: JSX.Element | JSX.Element[] }) {
  return (
    <svg
      aria-hidden="true"
      className="tandem-icon"
      fill="none"
      height="18"
      stroke="currentColor"
      strokeLinecap="round"
      strokeLinejoin="round"
      strokeWidth="2"
      viewBox="0 0 24 24"
      width="18"
    >
      {children}
    </svg>
  )
}

export const ParagraphIcon = () => (
  <Icon>
    <path d="M13 4v16" />
    <path d="M17 4v16" />
    <path d="M19 4H9.5a4.5 4.5 0 0 0 0 9H13" />
  </Icon>
)

export const BulletListIcon = () => (
  <Icon>
    <path d="M9 6h11M9 12h11M9 18h11" />
    <circle cx="4.5" cy="6" fill="currentColor" r="1" />
    <circle cx="4.5" cy="12" fill="currentColor" r="1" />
    <circle cx="4.5" cy="18" fill="currentColor" r="1" />
  </Icon>
)

export const NumberListIcon = () => (
  <Icon>
    <path d="M10 6h10M10 12h10M10 18h10" />
    <path d="M4 5l1.5-1V9" />
    <path d="M3.5 14.5c.5-1 2.5-1 2.5.3 0 1.2-2.5 1.7-2.5 3.2H6" />
  </Icon>
)

export const CheckListIcon = () => (
  <Icon>
    <rect height="6" rx="1" width="6" x="3" y="4" />
    <path d="M4.5 7l1 1 2-2" />
    <rect height="6" rx="1" width="6" x="3" y="14" />
    <path d="M13 7h8M13 17h8" />
  </Icon>
)

export const QuoteIcon = () => (
  <Icon>
    <path d="M7 7h3v4c0 3-1.5 4.5-4 5" />
    <path d="M15 7h3v4c0 3-1.5 4.5-4 5" />
  </Icon>
)

export const CodeBlockIcon = () => (
  <Icon>
    <rect height="16" rx="2" width="18" x="3" y="4" />
    <path d="M9 10l-2 2 2 2M15 10l2 2-2 2" />
  </Icon>
)

export const InlineCodeIcon = () => (
  <Icon>
    <path d="M8 7l-5 5 5 5M16 7l5 5-5 5" />
  </Icon>
)

export const LinkIcon = () => (
  <Icon>
    <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
    <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
  </Icon>
)

export const UndoIcon = () => (
  <Icon>
    <path d="M9 14L4 9l5-5" />
    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
  </Icon>
)

export const RedoIcon = () => (
  <Icon>
    <path d="M15 14l5-5-5-5" />
    <path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />
  </Icon>
)

export const ImageIcon = () => (
  <Icon>
    <rect height="16" rx="2" width="18" x="3" y="4" />
    <circle cx="8.5" cy="9.5" r="1.5" />
    <path d="m21 16-5-5-9 9" />
  </Icon>
)

export const MoreIcon = () => (
  <Icon>
    <circle cx="5" cy="12" r="1" />
    <circle cx="12" cy="12" r="1" />
    <circle cx="19" cy="12" r="1" />
  </Icon>
)

export const TableIcon = () => (
  <Icon>
    <rect height="16" rx="2" width="18" x="3" y="4" />
    <path d="M3 10h18M3 15h18M9 4v16M15 4v16" />
  </Icon>
)

export const DividerIcon = () => (
  <Icon>
    <path d="M3 12h18" />
    <path d="M7 6h10M7 18h10" strokeOpacity="0.4" />
  </Icon>
)

/** Lines of a paragraph aligned to `align`. */
export const AlignIcon = ({ align }: { align: 'left' | 'center' | 'right' | 'justify' }) => {
  const short = { left: 'M4 11h10M4 19h10', center: 'M7 11h10M7 19h10', right: 'M10 11h10M10 19h10' }
  return (
    <Icon>
      <path d="M4 7h16M4 15h16" />
      <path d={align === 'justify' ? 'M4 11h16M4 19h16' : short[align]} />
    </Icon>
  )
}

/** A letter A over a bar in `color` (text colour), or on a `color` background (highlight). */
export const ColorIcon = ({ color, highlight = false }: { color: string; highlight?: boolean }) => (
  <svg aria-hidden="true" className="tandem-icon" height="18" viewBox="0 0 24 24" width="18">
    {highlight && <rect fill={color} height="20" rx="4" width="20" x="2" y="2" />}
    <path
      d="M7 17 12 5l5 12M8.7 13h6.6"
      fill="none"
      stroke={highlight ? 'currentColor' : color}
      strokeLinecap="round"
      strokeLinejoin="round"
      strokeWidth="2.2"
    />
  </svg>
)

export const HistoryIcon = () => (
  <Icon>
    <path d="M3 12a9 9 0 1 0 3-6.7L3 8" />
    <path d="M3 3v5h5" />
    <path d="M12 7v5l3 2" />
  </Icon>
)

export const CloseIcon = () => (
  <Icon>
    <path d="M6 6l12 12" />
    <path d="M18 6L6 18" />
  </Icon>
)

export const CommentIcon = () => (
  <Icon>
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
    <path d="M12 9v6" />
    <path d="M9 12h6" />
  </Icon>
)
