//! Attachments through the page's own file input, the way a file picked by hand arrives.

use crate::dom;
use crate::sites::SiteAdapter;
use js_sys::{Array, Uint8Array};
use nobi_core::protocol::{Attachment, FailReason};
use wasm_bindgen::JsCast;
use web_sys::{DataTransfer, File, FilePropertyBag, HtmlInputElement};

/// How long an upload preview may take.
const PREVIEW_WAIT_MS: i32 = 10_000;

/// Puts `attachments` in the composer and waits until the page shows them ready to send.
pub async fn attach(adapter: &SiteAdapter, attachments: &[Attachment]) -> Result<(), FailReason> {
    let input = dom::find_including_hidden(adapter.file_input)
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
    let previews_before = dom::find_every(adapter.attachment_preview).len();
    let errors_before = dom::find_every(adapter.attachment_error).len();
    input.set_files(transfer.files().as_ref());
    let change = web_sys::Event::new_with_event_init_dict("change", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .map_err(|_| FailReason::AttachmentRejected)?;
    let _ = input.dispatch_event(&change);

    let mut waited = 0;
    while waited < PREVIEW_WAIT_MS {
        dom::sleep(50).await;
        waited += 50;
        if dom::find_every(adapter.attachment_error).len() > errors_before {
            return Err(FailReason::AttachmentRejected);
        }
        let ready = dom::find_every(adapter.attachment_preview).len()
            >= previews_before + attachments.len();
        if ready && dom::find(adapter.upload_progress).is_none() {
            return Ok(());
        }
    }
    Err(FailReason::Timeout)
}

/// Builds a `File` from an attachment's base64 bytes.
fn to_file(attachment: &Attachment) -> Option<File> {
    let binary = web_sys::window()?.atob(&attachment.data_base64).ok()?;
    // `atob` gives one char per byte.
    let bytes: Vec<u8> = binary.chars().map(|c| c as u32 as u8).collect();
    let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
    let options = FilePropertyBag::new();
    options.set_type(&attachment.mime);
    File::new_with_u8_array_sequence_and_options(&parts, &attachment.name, &options).ok()
}

/// Removes the attachments waiting in the composer (after a failure: leave nothing behind).
pub fn clear(adapter: &SiteAdapter) {
    for button in dom::find_every(adapter.attachment_remove) {
        if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
            button.click();
        }
    }
}
