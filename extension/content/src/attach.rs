//! Attachments through the page's own file input, the way a file picked by hand arrives.
//!
//! Everything is looked for inside the composer's area ([`crate::composer::area_of`]): previews elsewhere
//! on the page (media in an end-to-end encrypted thread is also `blob:`) are not ours.

use crate::dom;
use crate::sites::SiteAdapter;
use js_sys::{Array, Uint8Array};
use nobi_core::protocol::{Attachment, FailReason};
use wasm_bindgen::JsCast;
use web_sys::{DataTransfer, Element, File, FilePropertyBag, HtmlInputElement};

/// How long an upload preview may take.
const PREVIEW_WAIT_MS: f64 = 10_000.0;

/// Returns how many attachments wait in the composer's area.
pub fn pending(adapter: &SiteAdapter, area: &Element) -> usize {
    dom::find_every_in(area, adapter.attachment_preview).len()
}

/// Puts `attachments` in the composer and waits until the page shows them ready to send.
pub async fn attach(
    adapter: &SiteAdapter,
    area: &Element,
    attachments: &[Attachment],
) -> Result<(), FailReason> {
    let input = dom::find_including_hidden_in(area, adapter.file_input)
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .ok_or(FailReason::ComposerNotFound)?;
    let transfer = DataTransfer::new().map_err(|_| FailReason::AttachmentRejected)?;
    for attachment in attachments {
        let file = to_file(attachment).ok_or(FailReason::AttachmentRejected)?;
        transfer
            .items()
            .add_with_file(&file)
            .map_err(|_| FailReason::AttachmentRejected)?;
    }
    let previews_before = pending(adapter, area);
    let errors_before = dom::find_every(adapter.attachment_error).len();
    input.set_files(transfer.files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init)
        .map_err(|_| FailReason::AttachmentRejected)?;
    let _ = input.dispatch_event(&change);

    let wanted = previews_before + attachments.len();
    dom::poll_until(PREVIEW_WAIT_MS, || {
        if dom::find_every(adapter.attachment_error).len() > errors_before {
            return Some(Err(FailReason::AttachmentRejected));
        }
        let uploading = dom::find_in(area, adapter.upload_progress).is_some();
        (pending(adapter, area) >= wanted && !uploading).then_some(Ok(()))
    })
    .await
    .unwrap_or(Err(FailReason::Timeout))
}

/// Builds a `File` from an attachment's base64 bytes. (`atob`, not `fetch("data:…")`: the page's
/// CSP governs the content script's fetches, and Instagram's forbids `data:`.)
fn to_file(attachment: &Attachment) -> Option<File> {
    let binary = web_sys::window()?.atob(&attachment.data_base64).ok()?;
    // `atob` gives one char per byte.
    let bytes: Vec<u8> = binary.chars().map(|c| c as u32 as u8).collect();
    let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
    let options = FilePropertyBag::new();
    options.set_type(&attachment.mime);
    File::new_with_u8_array_sequence_and_options(&parts, &attachment.name, &options).ok()
}

/// Removes the attachments waiting in the composer's area. Only called after this script added
/// them to an area that held none (see `send.rs`), so every one there is ours.
pub fn clear(adapter: &SiteAdapter, area: &Element) {
    for button in dom::find_every_in(area, adapter.attachment_remove) {
        if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
            button.click();
        }
    }
}
