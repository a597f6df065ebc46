//! The one module that speaks wasm-bindgen.

mod render;

use wasm_bindgen::prelude::*;

/// Finds the indicators in `text`.
#[wasm_bindgen]
pub fn extract(text: &str) -> Result<JsValue, JsValue> {
    let found = crate::Finder::new().find(text);
    serde_wasm_bindgen::to_value(&found).map_err(JsValue::from)
}
