// Nobi Pro service worker (module). Chrome requires listeners to be registered synchronously at
// the top level, so they are registered here and wait for the wasm inside; the logic is Rust.
import init, * as worker from './wasm/nobi_background.js';
// Team sync is a wasm module of its own (extension/sync), instantiated only when a shop has
// connected its server (the 'nobi-sync' flag) or the panel asks to connect: a browser that works
// alone never loads it. Importing its glue costs nothing until init runs.
import initSync, * as sync from './sync/nobi_sync_worker.js';

const ready = init({ module_or_path: new URL('./wasm/nobi_background_bg.wasm', import.meta.url) });

let syncReady = null;
const syncModule = () =>
  (syncReady ??= initSync({ module_or_path: new URL('./sync/nobi_sync_worker_bg.wasm', import.meta.url) }).then(
    () => sync,
  ));
const SYNC_ALARM = 'nobi-sync';

// The outbox asks before each send whether the account's budget shared by the shop's agents
// allows it (extension/background/src/team.rs): null when no server is connected, so a browser
// working alone never loads the sync module for it.
globalThis.nobiTeamReserve = async (platform, account) => {
  const items = await chrome.storage.local.get('nobi-sync');
  if (!items['nobi-sync']) return null;
  return (await syncModule()).reserve(platform, account ?? undefined);
};

// A tab's inbox list (extension/background/src/team.rs): team sync reports the threads the shop's
// server does not know yet; nothing loads when no server is connected. The latest list of each
// platform is kept for the browser session, so that a shop connecting later (or a restarted
// worker) still reports what the tabs showed before.
const INBOX_KEY = 'nobi-inbox';
globalThis.nobiTeamInbox = async (platform, inbox) => {
  const kept = (await chrome.storage.session.get(INBOX_KEY))[INBOX_KEY] ?? {};
  kept[platform] = inbox;
  await chrome.storage.session.set({ [INBOX_KEY]: kept });
  const items = await chrome.storage.local.get('nobi-sync');
  if (!items['nobi-sync']) return;
  await (await syncModule()).inbox_seen(inbox);
};
const replayInbox = async (s) => {
  const kept = (await chrome.storage.session.get(INBOX_KEY))[INBOX_KEY] ?? {};
  for (const inbox of Object.values(kept)) await s.inbox_seen(inbox);
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // One enum per direction: the panel's requests to team sync carry a `sync` tag (PanelToSync).
  const module = message && typeof message.sync === 'string' ? syncModule().then(() => sync) : null;
  (module ?? ready)
    .then(() => (module ? sync.on_message(message, sender) : worker.on_runtime_message(message, sender)))
    .then((reply) => {
      // Just connected: what the tabs' inbox lists showed before is reported now.
      if (module && message.sync === 'connect') replayInbox(sync).catch(console.error);
      return reply;
    })
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
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_ALARM) {
    syncModule().then((s) => s.on_wake()).catch(console.error);
    return;
  }
  ready.then(() => worker.on_wake()).catch(console.error);
});
ready.then(() => worker.on_wake()).catch(console.error);
chrome.storage.local
  .get('nobi-sync')
  .then((items) => items['nobi-sync'] && syncModule().then((s) => s.on_start().then(() => replayInbox(s))))
  .catch(console.error);

// The toolbar icon opens the side panel beside the conversation.
chrome.sidePanel
  .setPanelBehavior({ openPanelOnActionClick: true })
  .catch((error) => console.error('Nobi Pro: side panel behaviour', error));
