// Invoice computation for billing-api.

export interface LineItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export const VAT_RATE = 0.19;

/** Sum of line items in cents, before tax. */
export function subtotalCents(items: readonly LineItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/** Total including German VAT (19%), rounded half up to whole cents. */
export function totalWithVatCents(items: readonly LineItem[]): number {
  const subtotal = subtotalCents(items);
  return Math.round(subtotal * (1 + VAT_RATE));
}

export class InvoiceNumberAllocator {
  private next: number;

  constructor(start: number) {
    this.next = start;
  }

  /** Invoice numbers look like ACME-2026-000123 and never repeat. */
  allocate(year: number): string {
    const n = this.next++;
    return `ACME-${year}-${String(n).padStart(6, "0")}`;
  }
}
