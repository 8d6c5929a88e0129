// Nobi Pro service worker (module). Chrome requires listeners to be registered synchronously at
// the top level, so they are registered here and wait for the wasm inside; the logic is Rust.
import init, * as worker from './wasm/nobi_background.js';

const ready = init({ module_or_path: new URL('./wasm/nobi_background_bg.wasm', import.meta.url) });

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(() => worker.on_runtime_message(message, sender))
    .then(sendResponse, (error) => {
      console.error('Nobi Pro: message failed', error);
      sendResponse({ error: { message: String(error) } }); // BackgroundToPanel::Error
    });
  return true; // the reply is asynchronous
});

chrome.tabs.onActivated.addListener(({ tabId, windowId }) => {
  ready.then(() => worker.on_tab_activated(tabId, windowId)).catch(console.error);
});

chrome.tabs.onRemoved.addListener((tabId, { windowId }) => {
  ready.then(() => worker.on_tab_removed(tabId, windowId)).catch(console.error);
});

// The outbox: alarms wake the worker for scheduled sends, retries and pacing; a new worker first
// checks what its predecessor left half done.
chrome.alarms.onAlarm.addListener(() => {
  ready.then(() => worker.on_wake()).catch(console.error);
});
ready.then(() => worker.on_wake()).catch(console.error);

// The toolbar icon opens the side panel beside the conversation.
chrome.sidePanel
  .setPanelBehavior({ openPanelOnActionClick: true })
  .catch((error) => console.error('Nobi Pro: side panel behaviour', error));
