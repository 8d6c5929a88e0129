//! A serde `Deserializer` over a plain JS value (the shape `JSON.parse` gives), for derived types
//! with serde's default, externally tagged enums. See the crate docs for why it exists.

use js_sys::{Array, Object};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// The value does not match the expected type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

impl Malformed {
    /// What the error says, for callers that report it without the formatting machinery.
    pub const MESSAGE: &'static str =
        "the message does not match the protocol (are all parts of the extension the same version?)";
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Malformed::MESSAGE)
    }
}

impl std::error::Error for Malformed {}

impl de::Error for Malformed {
    // Deliberately ignores `msg`: formatting it is what this module avoids.
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Malformed
    }
}

pub struct Value(pub JsValue);

/// The largest integer an f64 holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// What a JS value is, found once, outside the generic code: the `deserialize_*` methods are
/// compiled once per Rust type, so they only match on this (or test one JS type themselves).
enum Kind {
    Unit,
    Bool(bool),
    Number(f64),
    String(String),
    Seq(Seq),
    Map(Map),
    Other,
}

impl Kind {
    #[inline(never)]
    fn of(v: JsValue) -> Kind {
        if v.is_null() || v.is_undefined() {
            Kind::Unit
        } else if let Some(b) = v.as_bool() {
            Kind::Bool(b)
        } else if let Some(n) = v.as_f64() {
            Kind::Number(n)
        } else if let Some(s) = v.as_string() {
            Kind::String(s)
        } else if Array::is_array(&v) {
            let items: Vec<JsValue> = v.unchecked_into::<Array>().iter().collect();
            Kind::Seq(Seq(items.into_iter()))
        } else if v.is_object() {
            let object: Object = v.unchecked_into();
            let entries: Vec<JsValue> = Object::entries(&object).iter().collect();
            Kind::Map(Map {
                entries: entries.into_iter(),
                value: None,
            })
        } else {
            Kind::Other
        }
    }
}

/// A JS number as serde sees it: integers that an f64 holds exactly as integers.
enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
}

#[inline(never)]
fn number(n: f64) -> Number {
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
        if n >= 0.0 {
            Number::U64(n as u64)
        } else {
            Number::I64(n as i64)
        }
    } else {
        Number::F64(n)
    }
}

fn visit_number<'de, V: Visitor<'de>>(n: f64, visitor: V) -> Result<V::Value, Malformed> {
    match number(n) {
        Number::U64(n) => visitor.visit_u64(n),
        Number::I64(n) => visitor.visit_i64(n),
        Number::F64(n) => visitor.visit_f64(n),
    }
}

/// Each typed `deserialize_*` method calls only the `visit_*` methods that its types accept, so
/// the visitors' other methods are never compiled in (for every struct, the code reading it from an
/// array). What each type accepts is what `deserialize_any` gives it, with one exception: a struct
/// is read from an object only, never from an array, which [`to_js`](crate::to_js) does not write.
impl<'de> de::Deserializer<'de> for Value {
    type Error = Malformed;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match Kind::of(self.0) {
            Kind::Unit => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::Number(n) => visit_number(n, visitor),
            Kind::String(s) => visitor.visit_string(s),
            Kind::Seq(seq) => visitor.visit_seq(seq),
            Kind::Map(map) => visitor.visit_map(map),
            Kind::Other => Err(Malformed),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match self.0.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(Malformed),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_number(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match self.0.as_string() {
            Some(s) => visitor.visit_string(s),
            None => Err(Malformed),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_unit()
        } else {
            Err(Malformed)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match Kind::of(self.0) {
            Kind::Seq(seq) => visitor.visit_seq(seq),
            _ => Err(Malformed),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match Kind::of(self.0) {
            Kind::Map(map) => visitor.visit_map(map),
            _ => Err(Malformed),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        self.deserialize_map(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        self.deserialize_string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        visitor.visit_newtype_struct(self)
    }

    /// Externally tagged: `"variant"` for a unit variant, `{"variant": content}` otherwise.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        let v = self.0;
        if let Some(tag) = v.as_string() {
            return visitor.visit_enum(Enum {
                tag,
                content: JsValue::UNDEFINED,
            });
        }
        if !v.is_object() || Array::is_array(&v) {
            return Err(Malformed);
        }
        let entries = Object::entries(v.unchecked_ref());
        if entries.length() != 1 {
            return Err(Malformed);
        }
        let pair: Array = entries.get(0).unchecked_into();
        let tag = pair.get(0).as_string().ok_or(Malformed)?;
        visitor.visit_enum(Enum {
            tag,
            content: pair.get(1),
        })
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf ignored_any
    }
}

impl Value {
    fn deserialize_number<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match self.0.as_f64() {
            Some(n) => visit_number(n, visitor),
            None => Err(Malformed),
        }
    }
}

struct Seq(std::vec::IntoIter<JsValue>);

impl<'de> de::SeqAccess<'de> for Seq {
    type Error = Malformed;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Malformed> {
        self.0
            .next()
            .map(|item| seed.deserialize(Value(item)))
            .transpose()
    }
}

struct Map {
    entries: std::vec::IntoIter<JsValue>,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Map {
    type Error = Malformed;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Malformed> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        let pair: Array = entry.unchecked_into();
        self.value = Some(pair.get(1));
        let key = pair.get(0).as_string().ok_or(Malformed)?;
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Malformed> {
        seed.deserialize(Value(self.value.take().ok_or(Malformed)?))
    }
}

struct Enum {
    tag: String,
    content: JsValue,
}

impl<'de> de::EnumAccess<'de> for Enum {
    type Error = Malformed;
    type Variant = Variant;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Variant), Malformed> {
        let tag = seed.deserialize(self.tag.into_deserializer())?;
        Ok((tag, Variant(self.content)))
    }
}

struct Variant(JsValue);

impl<'de> de::VariantAccess<'de> for Variant {
    type Error = Malformed;

    fn unit_variant(self) -> Result<(), Malformed> {
        if self.0.is_undefined() || self.0.is_null() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Malformed> {
        seed.deserialize(Value(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        de::Deserializer::deserialize_seq(Value(self.0), visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        de::Deserializer::deserialize_map(Value(self.0), visitor)
    }
}
