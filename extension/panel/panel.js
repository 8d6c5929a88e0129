// Loads the Leptos side panel; `main` in ui/src/main.rs mounts it.
import init from './wasm/nobi_panel.js';

// The address engine (administrative data of both schemes, the parser) is its own wasm module,
// about as big as the panel, so it is imported only when the address form first asks for it
// (ui/src/address.rs). The promise is kept: every later call gets the same initialised module.
// A failed load is not kept, so the next attempt (e.g. reopening the form) tries again.
let addressEngine = null;
globalThis.nobiAddressEngine = () => {
  addressEngine ??= (async () => {
    const mod = await import('./address/nobi_address_wasm.js');
    await mod.default({ module_or_path: new URL('./address/nobi_address_wasm_bg.wasm', import.meta.url) });
    mod.warm_up();
    return mod;
  })().catch((error) => {
    addressEngine = null;
    console.error('Nobi Pro: the address engine did not load', error);
    throw error;
  });
  return addressEngine;
};

// The workbook reader (zip, inflate, CRC, XML) is its own module too, for the same reason: its
// tables would otherwise sit in the panel's first module (ui/tabular/src/lib.rs).
let tabular = null;
globalThis.nobiTabular = () => {
  tabular ??= (async () => {
    const mod = await import('./tabular/nobi_tabular_wasm.js');
    await mod.default({ module_or_path: new URL('./tabular/nobi_tabular_wasm_bg.wasm', import.meta.url) });
    return mod;
  })().catch((error) => {
    tabular = null;
    console.error('Nobi Pro: the workbook reader did not load', error);
    throw error;
  });
  return tabular;
};

init({ module_or_path: new URL('./wasm/nobi_panel_bg.wasm', import.meta.url) }).catch((error) => {
  document.body.textContent = 'Nobi Pro: ' + error;
  console.error('Nobi Pro: the panel did not start', error);
});
