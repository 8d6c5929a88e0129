// Loads the Leptos side panel; `main` in ui/src/main.rs mounts it.
import init from './wasm/nobi_panel.js';

init({ module_or_path: new URL('./wasm/nobi_panel_bg.wasm', import.meta.url) }).catch((error) => {
  document.body.textContent = 'Nobi Pro: ' + error;
  console.error('Nobi Pro: the panel did not start', error);
});
