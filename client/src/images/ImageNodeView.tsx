/** The web app's image node: the shared ImageNode (same type, same data) rendered by ImageView. */
import { ImageNode, type SerializedImageNode } from '@tandem/shared/ImageNode'
import type { Klass, LexicalNode } from 'lexical'
import type { JSX } from 'react'
import { ImageView } from './ImageView'

export class ImageNodeView extends ImageNode {
  static override getType(): string {
    return ImageNode.getType()
  }

  static override clone(node: ImageNodeView): ImageNodeView {
    // The base clones as the node's own class, i.e. as this one.
    return ImageNode.clone(node) as ImageNodeView
  }

  static override importJSON(json: SerializedImageNode): ImageNode {
    return ImageNode.importJSON(json)
  }

  override decorate(): JSX.Element {
    return <ImageView fields={this.getFields()} nodeKey={this.getKey()} />
  }
}

/** `nodes` with ImageNode swapped for the class that renders: register this list in browsers. */
export function withImageView(nodes: readonly Klass<LexicalNode>[]): Klass<LexicalNode>[] {
  return nodes.map((klass) => (klass === ImageNode ? ImageNodeView : klass))
}
