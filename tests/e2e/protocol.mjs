// Helpers to drive the extension the way the side panel does: `chrome.runtime.sendMessage` from the
// panel page (an extension page) with requests in the protocol's JSON wire format
// (core/src/protocol.rs: serde externally tagged, snake_case), and to read the fixture's recorder.
import { deflateSync } from 'node:zlib';
import { ACCOUNTS } from '../fixtures/src/data.js';

/** The protocol's platform for a fixture surface. */
export const PLATFORM = {
  instagram: 'instagram',
  facebook: 'facebook',
  messenger: 'messenger',
  business: 'business_suite',
};

export const SURFACES = Object.keys(PLATFORM);

/** The fixture's thread list for a surface (Instagram's, or the one shared by the three Messenger homes). */
export function threadsOf(site, surface) {
  return surface === 'instagram' ? site.threads.instagram : site.threads.facebook;
}

/**
 * A `ThreadRef` in wire format. A Business Suite thread belongs to the page the agent acts as: its id is
 * `<asset_id>.<selected_item_id>` (the fixture's first page unless `assetId` is given).
 */
export function threadRef(surface, threadId, { assetId = ACCOUNTS.facebook.pageId } = {}) {
  const id = surface === 'business' && !String(threadId).includes('.') ? `${assetId}.${threadId}` : threadId;
  return { platform: PLATFORM[surface], thread_id: id };
}

/** Sends one `PanelToBackground` request from the panel page and resolves with the worker's reply. */
export async function ask(panel, request, { timeout = 30_000 } = {}) {
  return panel.evaluate(
    async ([req, ms]) => {
      let timer;
      const timedOut = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms to ${JSON.stringify(req).slice(0, 200)}`)), ms);
      });
      try {
        return await Promise.race([chrome.runtime.sendMessage(req), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    [request, timeout],
  );
}

let requestCounter = 0;

/** `send_text`; resolves with the whole reply (`{send_result: {request_id, outcome}}` when all went well). */
export async function sendText(panel, to, text, attachments = []) {
  const request_id = `r${++requestCounter}-${Date.now()}`;
  const reply = await ask(panel, { send_text: { request_id, to, text, attachments } });
  return { request_id, reply };
}

/** The outcome of a `send_text` reply: `'sent'`, or the failure reason (`'wrong_conversation'`, …). */
export function outcomeOf(reply) {
  const result = reply && reply.send_result;
  if (!result) return `unexpected reply: ${JSON.stringify(reply)}`;
  if (result.outcome === 'sent') return 'sent';
  if (result.outcome && result.outcome.failed) return result.outcome.failed.reason;
  return `unexpected outcome: ${JSON.stringify(result.outcome)}`;
}

/** `get_conversation`; resolves with the `conversation` variant's body, or throws on another reply. */
export async function getConversation(panel) {
  const reply = await ask(panel, 'get_conversation');
  if (!reply || !reply.conversation) throw new Error(`get_conversation: unexpected reply ${JSON.stringify(reply)}`);
  return reply.conversation;
}

/**
 * Polls `get_conversation` until the worker's current conversation is `threadId` on `surface`; resolves
 * with it (`{tab_id, conversation, engine}`). The tab that shows it must be the one the agent last used.
 */
export async function waitForConversation(panel, surface, threadId, { timeout = 15_000 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await getConversation(panel);
    const c = last.conversation;
    if (c && c.thread.thread_id === threadRef(surface, threadId).thread_id && c.thread.platform === PLATFORM[surface]) return last;
    if (Date.now() > deadline) {
      throw new Error(`the worker never reported ${surface} thread ${threadId}; last: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the fixture recorded (MAIN world), trimmed to what tests assert on. */
export async function fixtureState(page) {
  return page.evaluate(() => {
    const fx = window.__fixture;
    return {
      threadId: fx.threadId(),
      editor: fx.editorText(),
      editorTexts: fx.editorTexts.slice(),
      attachments: fx.composerReady() ? fx.attachments() : [],
      sent: fx.sent.map(({ threadId, text, via, attachments }) => ({ threadId, text, via, attachments })),
      rejected: fx.rejected.map(({ threadId, text, via, reason, attachments }) => ({ threadId, text, via, reason, attachments })),
      discardedDrafts: fx.discardedDrafts.slice(),
      events: fx.events.map((e) => e.type),
      pageLoads: fx.pageLoads,
    };
  });
}

// ---- a small, real PNG ------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid `size`×`size` RGB PNG (a pink square with a darker diagonal), as a Buffer. */
export function makePng(size = 64) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const diag = Math.abs(x - y) < 3;
      raw.set(diag ? [180, 40, 90] : [250, 190, 210], row + 1 + x * 3);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An `Attachment` in wire format: a small real PNG. */
export function pngAttachment(name = 'ao-len.png', size = 64) {
  return { name, mime: 'image/png', data_base64: makePng(size).toString('base64') };
}
