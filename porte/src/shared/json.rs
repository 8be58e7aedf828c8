//! [`JsonObject`]: a provider's JSON document (profile, ID-token claims) kept as the text it
//! came as, and parsed only when something reads it.
//!
//! Why not a `serde_json::Map`: every page that signs in receives these documents, but few read
//! them. Parsed eagerly, they pull a generic JSON-value parser into every app's wasm (about 4 KB
//! compressed) and cost the server a map of allocations at every session check; kept as text,
//! both pay only when a field is read.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// A JSON object as received (a provider's profile document, an ID token's claims): sent and
/// sealed as its own text, parsed when read. Reading parses the whole object each time: keep
/// the [`to_map`](Self::to_map) of a document you read often.
///
/// ```
/// use porte::JsonObject;
/// use serde_json::json;
/// let doc = JsonObject::from(json!({"login": "alice", "id": 1001}).as_object().unwrap().clone());
/// assert_eq!(doc.get("login"), Some(json!("alice")));
/// assert_eq!(doc.get("nope"), None);
/// assert_eq!(doc.as_str(), r#"{"id":1001,"login":"alice"}"#);
/// ```
#[derive(Clone)]
pub struct JsonObject(Box<str>);

/// The text of an object without fields.
const EMPTY: &str = "{}";

impl JsonObject {
    /// The field `key`, if present.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.to_map().remove(key)
    }

    /// Every field.
    pub fn to_map(&self) -> Map<String, Value> {
        // The text was checked to be an object where it was read as JSON (or made from a map);
        // should it fail to parse anyway, it reads as empty rather than panicking in a user's
        // page. Read as bytes, like every JSON text Porte receives: `from_str` would compile a
        // second copy of serde_json's parser into the wasm of an app that reads a field.
        serde_json::from_slice(self.0.as_bytes()).unwrap_or_default()
    }

    /// The object as JSON text, exactly as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the object has no fields.
    pub fn is_empty(&self) -> bool {
        self.to_map().is_empty()
    }
}

impl From<Map<String, Value>> for JsonObject {
    fn from(map: Map<String, Value>) -> Self {
        Self::from(&map)
    }
}

impl From<&Map<String, Value>> for JsonObject {
    fn from(map: &Map<String, Value>) -> Self {
        // A map of JSON values always serializes.
        Self(
            serde_json::to_string(map)
                .unwrap_or_else(|_| EMPTY.into())
                .into(),
        )
    }
}

impl Default for JsonObject {
    fn default() -> Self {
        Self(EMPTY.into())
    }
}

/// Equal when they hold the same fields (whatever the spacing or order of the text).
impl PartialEq for JsonObject {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.to_map() == other.to_map()
    }
}

impl fmt::Debug for JsonObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `text` has an object's shape: `{` … `}`. Where JSON is read, serde_json has checked
/// the rest; the compact wire carries only texts a server read that way.
fn object_shaped(text: &str) -> bool {
    text.starts_with('{') && text.ends_with('}')
}

/// The object itself in JSON; its text, as a string, in the compact wire.
impl Serialize for JsonObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            RawValue::from_string(self.0.to_string())
                .map_err(serde::ser::Error::custom)?
                .serialize(s)
        } else {
            s.serialize_str(&self.0)
        }
    }
}

/// From JSON: one complete JSON value, which must be an object. From the compact wire: its
/// text, whose shape only is checked, so that the browser reads it without a JSON parser; the
/// fields are parsed when read (and a text that does not parse reads as empty).
impl<'de> Deserialize<'de> for JsonObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text: Box<str> = if d.is_human_readable() {
            Box::<RawValue>::deserialize(d)?.into()
        } else {
            String::deserialize(d)?.into()
        };
        // RawValue holds one complete JSON value, without surrounding whitespace.
        if !object_shaped(&text) {
            return Err(serde::de::Error::custom("expected a JSON object"));
        }
        Ok(Self(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn travels_as_the_same_json_text_and_reads_its_fields() {
        let text = r#"{"login":"alice","n":[1,2],"deep":{"a":null}}"#;
        let doc: JsonObject = serde_json::from_str(text).unwrap();
        assert_eq!(doc.as_str(), text);
        assert_eq!(serde_json::to_string(&doc).unwrap(), text);
        assert_eq!(doc.get("n"), Some(json!([1, 2])));
        assert_eq!(doc.to_map().len(), 3);
    }

    #[test]
    fn from_the_compact_wire_the_text_is_kept_and_parsed_only_when_read() {
        use crate::shared::compact::{from_bytes, to_bytes};
        let doc: JsonObject = from_bytes(&to_bytes(&r#"{"a":[1,2.5]}"#)).unwrap();
        assert_eq!(doc.get("a"), Some(json!([1, 2.5])));
        // The browser checks the shape only (no JSON parser there): a text that has it but does
        // not parse reads as empty, never as a panic.
        let odd: JsonObject = from_bytes(&to_bytes(&"{not json}")).unwrap();
        assert!(odd.is_empty());
        assert_eq!(odd.as_str(), "{not json}");
    }

    #[test]
    fn anything_but_an_object_is_refused() {
        for bad in ["[1]", "\"x\"", "1", "null", "true"] {
            assert!(serde_json::from_str::<JsonObject>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn equal_when_the_fields_are_equal_whatever_the_spacing() {
        let a: JsonObject = serde_json::from_str(r#"{"a":1,"b":2}"#).unwrap();
        let b: JsonObject = serde_json::from_str(r#"{ "b": 2, "a": 1 }"#).unwrap();
        let c: JsonObject = serde_json::from_str(r#"{"a":2}"#).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(JsonObject::default().is_empty());
        assert_eq!(JsonObject::from(Map::new()), JsonObject::default());
    }
}
