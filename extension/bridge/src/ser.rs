//! A serde `Serializer` to plain JS values (what `JSON.parse` would give), for
//! [`to_js`](crate::to_js). See the crate docs for why it exists.
//!
//! It writes what `serde_wasm_bindgen`'s JSON-compatible serializer wrote: objects for structs and
//! maps (string keys only), arrays for sequences, tuples and bytes, `null` for `None` and `()`,
//! externally tagged enums (`"variant"`, `{"variant": content}`), numbers for integers an f64 holds
//! exactly. A value it cannot write so (a larger integer, a map with other keys) is an error, and
//! the error says nothing more: describing it would bring in the formatting machinery.

use js_sys::{Array, Object};
use serde::ser::{self, Serialize};
use std::fmt;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A plain object being filled in.
    type PlainObject;

    /// `object[key] = value`: a direct property write (no `Reflect`, no exception to catch).
    #[wasm_bindgen(method, indexing_setter)]
    fn set(this: &PlainObject, key: JsValue, value: JsValue);
}

/// The value has no plain JS form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unrepresentable;

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value has no plain JS form")
    }
}

impl std::error::Error for Unrepresentable {}

impl ser::Error for Unrepresentable {
    // Deliberately ignores `msg`: formatting it is what this module avoids.
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Unrepresentable
    }
}

type Result<T = JsValue> = std::result::Result<T, Unrepresentable>;

/// The largest integer an f64 holds exactly.
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

pub struct Serializer;

/// `{variant: content}`, or `content` itself outside an enum.
fn tagged(variant: Option<&'static str>, content: JsValue) -> JsValue {
    match variant {
        Some(variant) => {
            let object = Object::new();
            object
                .unchecked_ref::<PlainObject>()
                .set(variant.into(), content);
            object.into()
        }
        None => content,
    }
}

impl ser::Serializer for Serializer {
    type Ok = JsValue;
    type Error = Unrepresentable;
    type SerializeSeq = ArrayWriter;
    type SerializeTuple = ArrayWriter;
    type SerializeTupleStruct = ArrayWriter;
    type SerializeTupleVariant = ArrayWriter;
    type SerializeMap = ObjectWriter;
    type SerializeStruct = ObjectWriter;
    type SerializeStructVariant = ObjectWriter;

    fn serialize_bool(self, v: bool) -> Result {
        Ok(v.into())
    }

    fn serialize_i8(self, v: i8) -> Result {
        Ok(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result {
        Ok(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result {
        Ok(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result {
        if v.unsigned_abs() <= MAX_SAFE_INTEGER {
            Ok((v as f64).into())
        } else {
            Err(Unrepresentable)
        }
    }

    fn serialize_i128(self, v: i128) -> Result {
        Ok(v.into())
    }

    fn serialize_u8(self, v: u8) -> Result {
        Ok(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result {
        Ok(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result {
        Ok(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result {
        if v <= MAX_SAFE_INTEGER {
            Ok((v as f64).into())
        } else {
            Err(Unrepresentable)
        }
    }

    fn serialize_u128(self, v: u128) -> Result {
        Ok(v.into())
    }

    fn serialize_f32(self, v: f32) -> Result {
        Ok(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result {
        Ok(v.into())
    }

    fn serialize_char(self, v: char) -> Result {
        Ok(js_sys::JsString::from(v).into())
    }

    fn serialize_str(self, v: &str) -> Result {
        Ok(v.into())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result {
        Ok(v.iter()
            .copied()
            .map(JsValue::from)
            .collect::<Array>()
            .into())
    }

    fn serialize_none(self) -> Result {
        Ok(JsValue::NULL)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        Ok(JsValue::NULL)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Ok(JsValue::NULL)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
    ) -> Result {
        Ok(variant.into())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        Ok(tagged(Some(variant), value.serialize(self)?))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<ArrayWriter> {
        Ok(ArrayWriter::new(None))
    }

    fn serialize_tuple(self, _len: usize) -> Result<ArrayWriter> {
        Ok(ArrayWriter::new(None))
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<ArrayWriter> {
        Ok(ArrayWriter::new(None))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<ArrayWriter> {
        Ok(ArrayWriter::new(Some(variant)))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<ObjectWriter> {
        Ok(ObjectWriter::new(None))
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<ObjectWriter> {
        Ok(ObjectWriter::new(None))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<ObjectWriter> {
        Ok(ObjectWriter::new(Some(variant)))
    }
}

/// Sequences, tuples and tuple variants: an array, tagged for a variant.
pub struct ArrayWriter {
    array: Array,
    variant: Option<&'static str>,
}

impl ArrayWriter {
    fn new(variant: Option<&'static str>) -> Self {
        ArrayWriter {
            array: Array::new(),
            variant,
        }
    }

    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.array.push(&value.serialize(Serializer)?);
        Ok(())
    }

    fn finish(self) -> Result {
        Ok(tagged(self.variant, self.array.into()))
    }
}

impl ser::SerializeSeq for ArrayWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTuple for ArrayWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for ArrayWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for ArrayWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

/// Structs, maps and struct variants: a plain object, tagged for a variant.
pub struct ObjectWriter {
    object: Object,
    variant: Option<&'static str>,
    /// A map's key, written once its value is.
    key: JsValue,
}

impl ObjectWriter {
    fn new(variant: Option<&'static str>) -> Self {
        ObjectWriter {
            object: Object::new(),
            variant,
            key: JsValue::UNDEFINED,
        }
    }

    fn set<T: ?Sized + Serialize>(&mut self, key: JsValue, value: &T) -> Result<()> {
        let value = value.serialize(Serializer)?;
        self.object.unchecked_ref::<PlainObject>().set(key, value);
        Ok(())
    }

    fn finish(self) -> Result {
        Ok(tagged(self.variant, self.object.into()))
    }
}

impl ser::SerializeMap for ObjectWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    /// Only string keys: an object would turn any other key into a string, which would not read
    /// back as the same value.
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        let key = key.serialize(Serializer)?;
        if !key.is_string() {
            return Err(Unrepresentable);
        }
        self.key = key;
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let key = std::mem::replace(&mut self.key, JsValue::UNDEFINED);
        self.set(key, value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for ObjectWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.set(key.into(), value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStructVariant for ObjectWriter {
    type Ok = JsValue;
    type Error = Unrepresentable;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.set(key.into(), value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}
