//! The address engine of `nobi-core` for the side panel, as a wasm module of its own.
//!
//! The administrative data (both schemes, the old→new mapping) and the parser are about as big as
//! the whole panel, and only the address form needs them. They are therefore not linked into the
//! panel's wasm: this crate is built into `dist/panel/address/` and the panel imports it with a
//! dynamic `import()` the first time the address form opens. [`warm_up`] can be called then (or
//! on idle) so that the first keystroke does not pay for parsing the data.
//!
//! Every function returns plain JSON-compatible objects (serde's shapes of the `nobi-core` types,
//! maps as objects, `None` as `null`), so the JavaScript side can read them directly or hand them
//! back to Rust with `serde_wasm_bindgen::from_value`.

use nobi_core::address::{self, Level, Scheme};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn scheme_of(scheme: &str) -> Option<Scheme> {
    match scheme.trim().to_ascii_lowercase().as_str() {
        "legacy" | "old" => Some(Scheme::Legacy),
        "current" | "new" => Some(Scheme::Current),
        _ => None,
    }
}

fn level_of(level: &str) -> Option<Level> {
    match level.trim().to_ascii_lowercase().as_str() {
        "province" => Some(Level::Province),
        "district" => Some(Level::District),
        "ward" => Some(Level::Ward),
        _ => None,
    }
}

/// Parses the administrative data now (it is otherwise parsed on first use) and returns how
/// many milliseconds that took; about 0 when it was already loaded.
#[wasm_bindgen]
pub fn warm_up() -> f64 {
    let start = js_sys::Date::now();
    address::warm_up();
    js_sys::Date::now() - start
}

/// For benchmarks: parses the embedded data once more (not kept) and returns the milliseconds it
/// took, i.e. the load time once the loading code is compiled.
#[doc(hidden)]
#[wasm_bindgen]
pub fn reload_ms() -> f64 {
    let start = js_sys::Date::now();
    std::hint::black_box(address::data::parse_uncached());
    js_sys::Date::now() - start
}

/// Version and source of the embedded data, for the form's footer and for exports.
#[wasm_bindgen]
pub fn data_version() -> String {
    address::DATA_VERSION.to_string()
}

/// Parses a free-text address: the `ParsedAddress` of nobi-core as a plain object (`scheme`,
/// `legacy`, `current`, `current_candidates`, `legacy_candidates`, `street`, `confidence`,
/// `alternatives`, `warnings`). Never throws.
///
/// The text is put in NFC by the browser (`String.prototype.normalize`), not by Rust: that keeps
/// Unicode's composition tables out of this module.
#[wasm_bindgen]
pub fn parse_address(text: &str) -> JsValue {
    let nfc = if text.is_ascii() {
        text.to_owned()
    } else {
        String::from(js_sys::JsString::from(text).normalize("NFC"))
    };
    to_js(&address::parse_nfc(nfc))
}

/// The provinces of a scheme (`"legacy"` or `"current"`) as `[{code, name, short}]`, in code
/// order; empty for an unknown scheme.
#[wasm_bindgen]
pub fn provinces(scheme: &str) -> JsValue {
    to_js(
        &scheme_of(scheme)
            .map(address::provinces)
            .unwrap_or_default(),
    )
}

/// The districts of a legacy province, as `[{code, name, short}]`; empty for an unknown code.
#[wasm_bindgen]
pub fn districts(province_code: &str) -> JsValue {
    to_js(&address::districts(province_code))
}

/// The wards under a parent: for `"legacy"` the parent is a district code (or, failing that, a
/// province code: all its wards); for `"current"` it is a province code.
#[wasm_bindgen]
pub fn wards(scheme: &str, parent_code: &str) -> JsValue {
    let list = match scheme_of(scheme) {
        Some(Scheme::Legacy) => {
            let by_district = address::legacy_wards_of_district(parent_code);
            if by_district.is_empty() {
                address::wards_of_province(Scheme::Legacy, parent_code)
            } else {
                by_district
            }
        }
        Some(Scheme::Current) => address::wards_of_province(Scheme::Current, parent_code),
        None => Vec::new(),
    };
    to_js(&list)
}

/// Searches unit names of a scheme, with or without diacritics, for a searchable dropdown:
/// `[{scheme, level, unit, district, province}]`, best first, at most `limit`. `level` is
/// `"province"`, `"district"`, `"ward"` or anything else (e.g. `""`) for all levels.
#[wasm_bindgen]
pub fn search_units(scheme: &str, level: &str, query: &str, limit: u32) -> JsValue {
    let Some(scheme) = scheme_of(scheme) else {
        return to_js(&Vec::<address::SearchHit>::new());
    };
    let limit = limit as usize;
    let hits = match level_of(level) {
        Some(level) => address::search_level(scheme, Some(level), query, limit),
        None => address::search_level(scheme, None, query, limit),
    };
    to_js(&hits)
}
