//! Files the agent chooses or downloads, and the rows of a chosen CSV or workbook.

use leptos::prelude::*;
use nobi_core::crm::xlsx::{self, XlsxError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The bytes of the first file chosen in an `<input type="file">`.
pub(crate) async fn chosen_file(ev: &leptos::ev::Event) -> Option<(String, Vec<u8>)> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files()?.get(0)?;
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    // Choosing the same file again must fire `change` again.
    input.set_value("");
    Some((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// What a chosen file holds, for an import to plan from.
pub(crate) enum FileRows {
    /// Text (CSV): core's CSV reader splits it (`plan_import`, `plan_product_import`), so that
    /// encodings, delimiters, Excel's row numbers and quote problems are read in one place.
    Csv(Vec<u8>),
    /// The rows of an `.xlsx` workbook's first sheet: `rows[i]` is the sheet's row `i + 1`
    /// (`plan_import_rows`, `plan_product_import_rows`).
    Sheet(Vec<Vec<String>>),
}

/// The bytes of a chosen file → its rows: an `.xlsx` is unzipped and its first sheet read
/// (`xlsx::read_first_sheet`, in the lazily loaded data and products chunks); anything else goes
/// to core's CSV reader. The error converts into either import's error kind.
pub(crate) fn file_rows(bytes: Vec<u8>) -> Result<FileRows, XlsxError> {
    if xlsx::is_xlsx(&bytes) {
        xlsx::read_first_sheet(&bytes).map(FileRows::Sheet)
    } else {
        Ok(FileRows::Csv(bytes))
    }
}

/// Offers `text` as a file download named `name`.
pub(crate) fn download(name: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
