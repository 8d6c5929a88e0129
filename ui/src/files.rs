//! Files the agent chooses or downloads, and the rows of a chosen CSV or workbook.

use leptos::prelude::*;
use nobi_core::crm::xlsx::{self, Method, Part, XlsxError};
use wasm_bindgen::prelude::*;
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

#[wasm_bindgen]
extern "C" {
    /// The browser's inflater (web-sys has it only behind `web_sys_unstable_apis`).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// Raw DEFLATE data inflated by the browser:
/// `new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer()`.
async fn inflate(data: &[u8]) -> Result<Vec<u8>, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(data));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let inflater = DecompressionStream::new("deflate-raw")?;
    let stream = blob
        .stream()
        .pipe_through(inflater.unchecked_ref::<web_sys::ReadableWritablePair>());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&stream))?;
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A part of the workbook as text, inflated if it is compressed.
async fn part_text(file: &[u8], part: &Part) -> Result<String, XlsxError> {
    let raw = part.raw(file);
    let inflated = match part.method {
        Method::Stored => raw.to_vec(),
        Method::Deflate => inflate(raw).await.map_err(|_| XlsxError::Damaged {
            detail: format!("{}: inflate", part.name),
        })?,
    };
    part.text(inflated)
}

/// The rows of the workbook's first sheet: `xlsx::read_first_sheet`, with the browser's
/// asynchronous inflater.
async fn read_xlsx(file: &[u8]) -> Result<Vec<Vec<String>>, XlsxError> {
    let parts = xlsx::plan_xlsx(file)?;
    let workbook = match &parts.workbook {
        Some(part) => Some(part_text(file, part).await?),
        None => None,
    };
    let rels = match &parts.workbook_rels {
        Some(part) => Some(part_text(file, part).await?),
        None => None,
    };
    let sheet = parts.sheet(workbook.as_deref(), rels.as_deref())?;
    let sheet_xml = part_text(file, &sheet.sheet).await?;
    let shared = match &sheet.shared_strings {
        Some(part) => Some(part_text(file, part).await?),
        None => None,
    };
    xlsx::sheet_rows(&sheet_xml, shared.as_deref())
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
/// (`xlsx::plan_xlsx`, the browser's DecompressionStream, `xlsx::sheet_rows`); anything else
/// goes to core's CSV reader. The error converts into either import's error kind.
pub(crate) async fn file_rows(bytes: Vec<u8>) -> Result<FileRows, XlsxError> {
    if xlsx::is_xlsx(&bytes) {
        read_xlsx(&bytes).await.map(FileRows::Sheet)
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
