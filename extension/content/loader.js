// Nobi Pro content script loader (classic script). It only picks a build and starts it:
// the Rust/wasm build where the page's CSP lets wasm compile, else the wasm2js build of the same
// crate. Both export the same `start()`.
//
// Nothing is loaded on pages that are not a messaging view (the feed, profiles, groups): this
// cheap URL test runs first, and again after in-page navigations, until a messaging view appears.
// The exact rules (which URL is which thread) are core::platform's, in Rust.
{
  const MESSAGING_PATH = /^\/(direct\/|messages\/|t\/|e2ee\/t\/|latest\/inbox|accounts\/login)/;
  const isMessagingView = () =>
    location.hostname === 'www.messenger.com' || MESSAGING_PATH.test(location.pathname);

  function startWhenMessaging() {
    if (isMessagingView()) return load();
    if (!window.navigation) return; // old Chrome: only pages that load as a messaging view
    const onNavigate = () => {
      if (!isMessagingView()) return;
      navigation.removeEventListener('currententrychange', onNavigate);
      load();
    };
    navigation.addEventListener('currententrychange', onNavigate);
  }

  const load = () => (async () => {
    const startedAt = performance.now();
    // The page's CSP governs wasm compilation in this isolated world too. Compiling an empty module
    // is the cheapest way to ask; it throws a CompileError where wasm is forbidden.
    const wasmAllowed = (() => {
      try {
        new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
        return true;
      } catch {
        return false;
      }
    })();
    const url = (path) => chrome.runtime.getURL(path);
    let content;
    let engine = 'wasm2js';
    if (wasmAllowed) {
      try {
        // Fetch and compile the module while the glue loads, instead of one after the other.
        const compiled = WebAssembly.compileStreaming(fetch(url('content/wasm/nobi_content_bg.wasm')));
        compiled.catch(() => {}); // awaited below; keeps an early failure from being "unhandled"
        content = await import(url('content/wasm/nobi_content.js'));
        await content.default({ module_or_path: await compiled });
        engine = 'wasm';
      } catch (error) {
        if (!(error instanceof WebAssembly.CompileError)) throw error;
        content = undefined;
      }
    }
    if (!content) {
      content = await import(url('content/js/nobi_content.js'));
    }
    // The start-up time stays inside the extension (the health check reports it): nothing is put
    // where the page could read it.
    content.start(engine, startedAt);
  })().catch((error) => console.error('Nobi Pro: the content script did not start', error));

  startWhenMessaging();
}
