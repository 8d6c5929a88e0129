//! The `.xlsx` reader of `nobi-core` (the `zip` crate, `flate2`, `crc32fast`, the sheet's XML)
//! for the side panel, as a wasm module of its own.
//!
//! Its tables (CRC-32's 16 KB, inflate's) are data, and wasm-split moves only code into the
//! panel's lazily loaded chunks: linked into the panel, they would weigh on every cold open for
//! a feature used once in a while. So, as with the address engine, this crate is built into
//! `dist/panel/tabular/` and the panel imports it (`globalThis.nobiTabular()`, `panel.js`) the
//! first time an `.xlsx` is chosen. A CSV never loads it.
//!
//! Contract of [`read_xlsx`]: given the bytes of a workbook, returns `{ rows }` (the first
//! visible sheet's rows, `rows[i]` being the sheet's row `i + 1`, each an array of cell texts) or
//! `{ error, detail }` with `error` one of `damaged`, `encrypted`, `no_worksheet`, `too_large`
//! (`detail` says where, for `damaged`). It never throws.

use js_sys::{Array, Object, Reflect};
use nobi_core::crm::xlsx::{self, XlsxError};
use wasm_bindgen::prelude::*;

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&out, &JsValue::from_str(key), value);
    }
    out.into()
}

/// Reads the first visible sheet of a workbook (see the crate's contract).
#[wasm_bindgen]
pub fn read_xlsx(bytes: &[u8]) -> JsValue {
    match xlsx::read_first_sheet(bytes) {
        Ok(rows) => {
            let out: Array = rows
                .iter()
                .map(|row| row.iter().map(|c| JsValue::from_str(c)).collect::<Array>())
                .collect();
            object(&[("rows", out.into())])
        }
        Err(e) => {
            let (code, detail) = match e {
                XlsxError::Damaged { detail } => ("damaged", detail),
                XlsxError::Encrypted => ("encrypted", String::new()),
                XlsxError::NoWorksheet => ("no_worksheet", String::new()),
                XlsxError::TooLarge => ("too_large", String::new()),
            };
            object(&[("error", code.into()), ("detail", detail.into())])
        }
    }
}
