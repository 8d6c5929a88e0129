//! The panel's side of the address engine: `ui/address/` built into its own wasm module
//! (`dist/panel/address/`), imported by `panel.js` the first time the address form asks for it.
//!
//! The engine's data and parser are about as big as the panel, so they are not linked in here;
//! this file only calls the module's exported functions through `Reflect`, and reads their plain
//! object results with `nobi_bridge::from_js` (not `serde_wasm_bindgen`, to keep the panel small).

use js_sys::{Array, Function, Promise, Reflect};
use nobi_core::address::{Level, ParsedAddress, Scheme, SearchHit, Unit};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `globalThis.nobiAddressEngine()` (panel.js): a promise of the initialised module, the same
    /// one on every call.
    #[wasm_bindgen(js_namespace = globalThis, js_name = nobiAddressEngine, catch)]
    fn nobi_address_engine() -> Result<Promise, JsValue>;
}

thread_local! {
    static ENGINE: RefCell<Option<AddressEngine>> = const { RefCell::new(None) };
}

/// The loaded address module (its namespace object).
#[derive(Clone, Debug)]
pub struct AddressEngine(JsValue);

fn scheme_name(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Legacy => "legacy",
        Scheme::Current => "current",
    }
}

fn level_name(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Province) => "province",
        Some(Level::District) => "district",
        Some(Level::Ward) => "ward",
        None => "",
    }
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            Reflect::get(error, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

impl AddressEngine {
    /// The engine if it is already loaded.
    pub fn cached() -> Option<AddressEngine> {
        ENGINE.with(|e| e.borrow().clone())
    }

    /// Loads the engine (once; later calls return the same one). The error is for the console.
    pub async fn load() -> Result<AddressEngine, String> {
        if let Some(engine) = Self::cached() {
            return Ok(engine);
        }
        let promise = nobi_address_engine().map_err(|e| describe(&e))?;
        let module = JsFuture::from(promise).await.map_err(|e| describe(&e))?;
        if !module.is_object() {
            return Err("the address module did not load".to_owned());
        }
        let engine = AddressEngine(module);
        ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
        Ok(engine)
    }

    /// Calls one of the module's exported functions; `undefined` if it is missing or throws.
    fn call(&self, name: &str, args: &[JsValue]) -> JsValue {
        let Some(function) = Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return JsValue::UNDEFINED;
        };
        let args: Array = args.iter().collect();
        function
            .apply(&JsValue::NULL, &args)
            .unwrap_or(JsValue::UNDEFINED)
    }

    fn read<T: DeserializeOwned>(&self, name: &str, args: &[JsValue]) -> Option<T> {
        nobi_bridge::from_js(self.call(name, args)).ok()
    }

    /// Parses a free-text address (both schemes; legacy is converted to current).
    pub fn parse(&self, text: &str) -> Option<ParsedAddress> {
        self.read("parse_address", &[text.into()])
    }

    /// The provinces of a scheme, in code order.
    pub fn provinces(&self, scheme: Scheme) -> Vec<Unit> {
        self.read("provinces", &[scheme_name(scheme).into()])
            .unwrap_or_default()
    }

    /// The districts of a legacy province.
    pub fn districts(&self, province_code: &str) -> Vec<Unit> {
        self.read("districts", &[province_code.into()])
            .unwrap_or_default()
    }

    /// The wards under a legacy district (or a whole legacy province), or a current province.
    pub fn wards(&self, scheme: Scheme, parent_code: &str) -> Vec<Unit> {
        self.read("wards", &[scheme_name(scheme).into(), parent_code.into()])
            .unwrap_or_default()
    }

    /// Searches unit names of a scheme (with or without diacritics), best first; `level` `None`
    /// searches all levels.
    pub fn search_units(
        &self,
        scheme: Scheme,
        level: Option<Level>,
        query: &str,
        limit: u32,
    ) -> Vec<SearchHit> {
        self.read(
            "search_units",
            &[
                scheme_name(scheme).into(),
                level_name(level).into(),
                query.into(),
                limit.into(),
            ],
        )
        .unwrap_or_default()
    }

    /// Version and source of the embedded data.
    pub fn data_version(&self) -> Option<String> {
        self.call("data_version", &[]).as_string()
    }
}
