/**
 * An image in a document. It holds the upload's content hash (never a URL: URLs are signed per
 * reader and expire), or, for an image pasted from elsewhere that was not uploaded, the link it came
 * from, shown as a placeholder until someone uploads a copy. The server never fetches that link.
 * This class renders nothing: the web app registers a subclass with the same type that does.
 */
import {
  $create,
  $getDocument,
  DecoratorNode,
  type DOMConversionMap,
  type DOMConversionOutput,
  type DOMExportOutput,
  type EditorConfig,
  type LexicalNode,
  type LexicalUpdateJSON,
  type NodeKey,
  type ParagraphNode,
  type SerializedLexicalNode,
  type Spread,
} from 'lexical'
import { hashFromReference, isContentHash } from './uploads'

/** Longest alt text and caption kept, in UTF-16 code units: descriptions, not documents. */
export const MAX_IMAGE_TEXT_LENGTH = 1000
/** Longest source link kept; longer ones (data: URLs) are not links a person can follow. */
export const MAX_IMAGE_SOURCE_LENGTH = 2048
/** Narrowest and widest an image may be set, in CSS pixels (it never overflows its column). */
export const MIN_IMAGE_WIDTH = 48
export const MAX_IMAGE_WIDTH = 4096

export type SerializedImageNode = Spread<
  {
    hash: string | null
    sourceUrl: string | null
    altText: string
    caption: string
    width: number | null
  },
  SerializedLexicalNode
>

export interface ImageFields {
  /** SHA-256 of an upload of this document, or null for a placeholder. */
  hash?: string | null
  /** Where a pasted image came from (http or https only), kept so a person can fetch it themselves. */
  sourceUrl?: string | null
  altText?: string
  caption?: string
  /** Display width in CSS pixels; null = the image's own width, at most the column's. */
  width?: number | null
}

export class ImageNode extends DecoratorNode<unknown> {
  __hash: string | null
  __sourceUrl: string | null
  __altText: string
  __caption: string
  __width: number | null

  static override getType(): string {
    return 'image'
  }

  static override clone(node: ImageNode): ImageNode {
    // The node's own class: a subclass registered instead of this one (the web app's) clones as itself.
    const klass = node.constructor as typeof ImageNode
    return new klass(readImageFields(node), node.__key)
  }

  static override importJSON(json: SerializedImageNode): ImageNode {
    return $createImageNode().updateFromJSON(json)
  }

  static override importDOM(): DOMConversionMap | null {
    return {
      img: () => ({ conversion: convertImageElement, priority: 0 }),
      // Only a figure around an image; other figures (a table, a quote) keep their content.
      figure: (element) =>
        findImage(element as unknown as FigureLike) ? { conversion: convertFigure, priority: 1 } : null,
    }
  }

  constructor(fields: ImageFields = {}, key?: NodeKey) {
    super(key)
    this.__hash = isContentHash(fields.hash) ? fields.hash : null
    this.__sourceUrl = readSourceUrl(fields.sourceUrl)
    this.__altText = clampText(fields.altText)
    this.__caption = clampText(fields.caption)
    this.__width = readWidth(fields.width)
  }

  override updateFromJSON(json: LexicalUpdateJSON<SerializedImageNode>): this {
    return super.updateFromJSON(json).setFields({
      hash: json.hash,
      sourceUrl: json.sourceUrl,
      altText: json.altText,
      caption: json.caption,
      width: json.width,
    })
  }

  override exportJSON(): SerializedImageNode {
    return {
      ...super.exportJSON(),
      hash: this.__hash,
      sourceUrl: this.__sourceUrl,
      altText: this.__altText,
      caption: this.__caption,
      width: this.__width,
    }
  }

  /**
   * A copy pastes elsewhere as an image placeholder with its description (the bytes need a signed
   * URL); a caption makes it a `<figure>` with a `<figcaption>`, which importDOM reads back.
   */
  override exportDOM(): DOMExportOutput {
    const document = ownerDocument()
    const image = document.createElement('img')
    image.setAttribute('alt', this.__altText)
    if (this.__sourceUrl) image.setAttribute('src', this.__sourceUrl)
    if (this.__hash) image.setAttribute('data-tandem-image', this.__hash)
    if (this.__width) image.setAttribute('width', String(this.__width))
    if (this.__caption === '') return { element: image }
    const figure = document.createElement('figure')
    const caption = document.createElement('figcaption')
    caption.textContent = this.__caption
    figure.append(image, caption)
    return { element: figure }
  }

  override createDOM(config: EditorConfig) {
    const element = ownerDocument().createElement('div')
    const className = config.theme.image
    if (typeof className === 'string') element.className = className
    return element
  }

  override updateDOM(): false {
    return false
  }

  /** A block of its own, like a paragraph. */
  override isInline(): false {
    return false
  }

  override getTextContent(): string {
    return this.__altText
  }

  override decorate(): unknown {
    return null
  }

  getFields(): Required<ImageFields> {
    return readImageFields(this.getLatest())
  }

  /** Sets the given fields (each checked as the constructor checks it). */
  setFields(fields: ImageFields): this {
    const writable = this.getWritable()
    if (fields.hash !== undefined) writable.__hash = isContentHash(fields.hash) ? fields.hash : null
    if (fields.sourceUrl !== undefined) writable.__sourceUrl = readSourceUrl(fields.sourceUrl)
    if (fields.altText !== undefined) writable.__altText = clampText(fields.altText)
    if (fields.caption !== undefined) writable.__caption = clampText(fields.caption)
    if (fields.width !== undefined) writable.__width = readWidth(fields.width)
    return writable
  }
}

/**
 * The node's fields, checked again on the way out: the collaboration binding writes a peer's values
 * straight onto the node's properties, so a hostile peer could store anything (a `javascript:` link).
 */
function readImageFields(node: ImageNode): Required<ImageFields> {
  return {
    hash: isContentHash(node.__hash) ? node.__hash : null,
    sourceUrl: readSourceUrl(node.__sourceUrl),
    altText: clampText(node.__altText),
    caption: clampText(node.__caption),
    width: readWidth(node.__width),
  }
}

/** An HTML element, named through Lexical's types: this module is compiled for Node too, without DOM types. */
type HtmlElement = ReturnType<ParagraphNode['createDOM']>

/**
 * The editor's document ($getDocument, never the `document` global: the server runs this module in
 * Node), as far as this module uses it.
 */
function ownerDocument(): { createElement(tagName: string): HtmlElement } {
  return $getDocument() as unknown as { createElement(tagName: string): HtmlElement }
}

/** The part of a pasted `<img>` element read here (typed structurally: the server has no DOM types). */
interface ImageElementLike {
  getAttribute(name: string): string | null
}

/** The part of a `<figure>` read here. */
interface FigureLike {
  readonly children: ArrayLike<FigureLike & ImageElementLike & { readonly nodeName: string }>
  readonly textContent: string | null
}

function findImage(figure: FigureLike): ImageElementLike | undefined {
  return Array.from(figure.children).find((child) => child.nodeName === 'IMG')
}

/**
 * Pasted `<img>`: never fetched here; its link and alt text are kept as a placeholder. A Tandem image
 * (its hash in data-tandem-image, or an `uploads/<hash>` source as exports write it) stays that image.
 */
function convertImageElement(element: ImageElementLike): DOMConversionOutput {
  return { node: $createImageNode(imageFieldsOf(element)) }
}

/** `<figure><img><figcaption>`: one image with its caption; the figure's other content is dropped. */
function convertFigure(element: unknown): DOMConversionOutput {
  const figure = element as FigureLike
  const caption = Array.from(figure.children).find((child) => child.nodeName === 'FIGCAPTION')
  const image = findImage(figure)
  if (image === undefined) return { node: null }
  return {
    node: $createImageNode({ ...imageFieldsOf(image), caption: caption?.textContent?.trim() ?? '' }),
    after: () => [],
  }
}

function imageFieldsOf(element: ImageElementLike): ImageFields {
  const width = Number(element.getAttribute('width'))
  const source = element.getAttribute('src') ?? ''
  const uploaded = hashFromReference(source)
  return {
    hash: element.getAttribute('data-tandem-image') ?? uploaded,
    // A Tandem image URL is signed and expires: not a link worth keeping.
    sourceUrl: uploaded === null ? source : null,
    altText: element.getAttribute('alt') ?? '',
    width: width > 0 ? width : null,
  }
}

function clampText(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_IMAGE_TEXT_LENGTH) : ''
}

/** http(s) links only: a `javascript:` or `data:` source is not a link anyone should be offered. */
function readSourceUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_IMAGE_SOURCE_LENGTH) return null
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}

function readWidth(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return Math.round(Math.min(MAX_IMAGE_WIDTH, Math.max(MIN_IMAGE_WIDTH, value)))
}

/** Builds the class the editor registered for `image` (the web app's subclass there, this one elsewhere). */
export function $createImageNode(fields: ImageFields = {}): ImageNode {
  return $create(ImageNode).setFields(fields)
}

export function $isImageNode(node: LexicalNode | null | undefined): node is ImageNode {
  return node instanceof ImageNode
}
