//! Files the agent chooses or downloads, and the rows of a chosen CSV or workbook.

use leptos::prelude::*;
use nobi_core::crm::xlsx::{self, XlsxError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The bytes of the first file chosen in an `<input type="file">`: `Ok(None)` when there is none
/// or it cannot be read, `Err` when `check` refuses its name and size. `check` runs before the
/// file is read, so that a 500 MB file is refused without ever being in memory.
pub(crate) async fn chosen_file<E>(
    ev: &leptos::ev::Event,
    check: impl FnOnce(&str, u64) -> Result<(), E>,
) -> Result<Option<(String, Vec<u8>)>, E> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return Ok(None);
    };
    // Choosing the same file again must fire `change` again, refused or not.
    input.set_value("");
    check(&file.name(), file.size() as u64)?;
    let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
        return Ok(None);
    };
    Ok(Some((
        file.name(),
        js_sys::Uint8Array::new(&buffer).to_vec(),
    )))
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

#[wasm_bindgen]
extern "C" {
    /// `globalThis.nobiTabular()` (panel.js): a promise of the initialised workbook reader, the
    /// same one on every call.
    #[wasm_bindgen(js_namespace = globalThis, js_name = nobiTabular, catch)]
    fn nobi_tabular() -> Result<js_sys::Promise, JsValue>;
}

/// The rows of a workbook's first sheet, read by the workbook module (`ui/tabular`, loaded on
/// first use). A module that does not load reads as a damaged file, saying so.
async fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, XlsxError> {
    let unreadable = |detail: &str| XlsxError::Damaged {
        detail: detail.to_owned(),
    };
    let promise = nobi_tabular().map_err(|_| unreadable("the workbook reader is missing"))?;
    let module = JsFuture::from(promise)
        .await
        .map_err(|_| unreadable("the workbook reader did not load"))?;
    let read = js_sys::Reflect::get(&module, &"read_xlsx".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| unreadable("the workbook reader is missing"))?;
    let answer = read
        .call1(&JsValue::NULL, &js_sys::Uint8Array::from(bytes))
        .map_err(|_| unreadable("the workbook reader failed"))?;
    let field = |name: &str| js_sys::Reflect::get(&answer, &name.into()).unwrap_or_default();
    if let Some(error) = field("error").as_string() {
        return Err(match error.as_str() {
            "encrypted" => XlsxError::Encrypted,
            "no_worksheet" => XlsxError::NoWorksheet,
            "too_large" => XlsxError::TooLarge,
            _ => unreadable(&field("detail").as_string().unwrap_or_default()),
        });
    }
    let rows = field("rows")
        .dyn_into::<js_sys::Array>()
        .map_err(|_| unreadable("the workbook reader answered nothing"))?;
    Ok(rows
        .iter()
        .map(|row| {
            row.dyn_into::<js_sys::Array>()
                .map(|cells| {
                    cells
                        .iter()
                        .map(|c| c.as_string().unwrap_or_default())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect())
}

/// The bytes of a chosen file → its rows: an `.xlsx` is read by the workbook module
/// ([`read_xlsx`]); anything else goes to core's CSV reader. The error converts into either
/// import's error kind.
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
    download_blob(name, &blob)
}

/// Offers `blob` as a download named `name`.
pub(crate) fn download_blob(name: &str, blob: &web_sys::Blob) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
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
