// The products tab, driven as an agent does: add a product with its variants and stock, read a
// variant's available count.

/** Adds a product through the products tab (which must be open); waits for its row. */
export async function addProduct(panel, name, variants) {
  await panel.getByTestId('add-product').click();
  await panel.getByTestId('product-name').fill(name);
  for (let i = 0; i < variants.length; i++) {
    if (i > 0) await panel.getByTestId('add-variant').click();
    const row = panel.getByTestId('variant-row').nth(i);
    const v = variants[i];
    await row.getByTestId('variant-sku').fill(v.sku);
    if (v.size) await row.getByTestId('variant-size').fill(v.size);
    if (v.colour) await row.getByTestId('variant-colour').fill(v.colour);
    await row.getByTestId('variant-price').fill(v.price);
    await row.getByTestId('variant-stock').fill(String(v.stock));
    await row.getByTestId('variant-stock').press('Tab');
  }
  await panel.getByTestId('save-product').click();
  await panel.getByTestId('product-row').filter({ hasText: name }).waitFor();
}

/** The available count of variant `sku` as the products tab shows it. */
export function available(panel, sku) {
  return panel
    .getByTestId('product-row')
    .locator('tr', { hasText: sku })
    .getByTestId('stock-available')
    .textContent()
    .then((t) => Number(t.match(/-?\d+/)[0]));
}
