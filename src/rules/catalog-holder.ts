// Holds the catalog in force. A reload swaps the reference atomically; a call that started keeps
// the catalog object it read at its start.

import type { Catalog } from './compiled.js'

export class CatalogHolder {
  private catalog: Catalog
  constructor (initial: Catalog) { this.catalog = initial }
  current (): Catalog { return this.catalog }
  swap (next: Catalog): void { this.catalog = next }
}
