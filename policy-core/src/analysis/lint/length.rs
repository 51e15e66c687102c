//! The length in characters of a policy's compact JSON form ([`PolicyDocument::to_json`]),
//! for the lint's check of ECR's size limit: computed from the values the form is written
//! from, without writing it.

use std::fmt;

use serde::ser::{self, Serialize, SerializeMap, SerializeSeq};

use crate::model::document::PolicyDocument;

/// `doc.to_json().chars().count()`.
pub(super) fn json_length(doc: &PolicyDocument) -> usize {
    doc.serialize(Length)
        .unwrap_or_else(|Unsupported| written_length(doc))
}

/// The length by writing the form through serde_json, counting characters as they pass: for
/// the values [`Length`] does not measure (numbers written as JSON numbers).
fn written_length(doc: &PolicyDocument) -> usize {
    struct Chars(usize);
    impl std::io::Write for Chars {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += chars(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Chars(0);
    // The model always serialises; `to_json` is empty if it did not.
    match serde_json::to_writer(&mut out, doc) {
        Ok(()) => out.0,
        Err(_) => 0,
    }
}

/// The characters of UTF-8 `bytes`: every byte but a continuation byte (`0b10xx_xxxx`) starts
/// one.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// The characters serde_json's compact form writes for the string `s`, quotes included: `"`
/// and `\` escaped by a backslash, control characters as `\b \t \n \f \r` or `\u00XX`,
/// everything else as it is.
fn string_length(s: &str) -> usize {
    let bytes = s.as_bytes();
    if plain(bytes) {
        return bytes.len() + 2;
    }
    2 + chars(bytes)
        + bytes
            .iter()
            .map(|&b| match b {
                b'"' | b'\\' | 0x08 | 0x09 | 0x0A | 0x0C | 0x0D => 1,
                0x00..=0x1F => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// Whether `bytes` are ASCII text that needs no escape, as the usual text is: tested eight
/// bytes at a time, by the carries of subtracting a byte from every byte of a word.
fn plain(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Whether a byte of `x` is zero, or below `n` (`n` at most 0x80, `x` without high bits).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    let odd = |x: u64| {
        x & HIGH != 0
            || below(x, 0x20)
            || zero(x ^ (ONES * u64::from(b'"')))
            || zero(x ^ (ONES * u64::from(b'\\')))
    };
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        if odd(u64::from_ne_bytes(w)) {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| (0x20..0x80).contains(&b) && b != b'"' && b != b'\\')
}

/// A serializer whose output is the length of serde_json's compact form of the value. It
/// measures what the model writes (strings, booleans, maps and lists); anything else is
/// [`Unsupported`].
struct Length;

/// A value [`Length`] does not measure.
#[derive(Debug)]
struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value the length is not computed for")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// A map or list being measured: what is written so far, and whether an entry was.
struct Compound {
    length: usize,
    first: bool,
}

impl Compound {
    fn new() -> Self {
        // The opening bracket, and the closing one.
        Compound {
            length: 2,
            first: true,
        }
    }

    fn next(&mut self) {
        if !std::mem::replace(&mut self.first, false) {
            self.length += 1;
        }
    }
}

impl SerializeMap for Compound {
    type Ok = usize;
    type Error = Unsupported;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.next();
        // The key and its colon.
        self.length += key.serialize(Length)? + 1;
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.length += value.serialize(Length)?;
        Ok(())
    }

    fn end(self) -> Result<usize, Unsupported> {
        Ok(self.length)
    }
}

impl SerializeSeq for Compound {
    type Ok = usize;
    type Error = Unsupported;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.next();
        self.length += value.serialize(Length)?;
        Ok(())
    }

    fn end(self) -> Result<usize, Unsupported> {
        Ok(self.length)
    }
}

type Impossible = ser::Impossible<usize, Unsupported>;

impl ser::Serializer for Length {
    type Ok = usize;
    type Error = Unsupported;
    type SerializeSeq = Compound;
    type SerializeTuple = Impossible;
    type SerializeTupleStruct = Impossible;
    type SerializeTupleVariant = Impossible;
    type SerializeMap = Compound;
    type SerializeStruct = Impossible;
    type SerializeStructVariant = Impossible;

    fn serialize_str(self, v: &str) -> Result<usize, Unsupported> {
        Ok(string_length(v))
    }

    fn serialize_bool(self, v: bool) -> Result<usize, Unsupported> {
        Ok(if v { 4 } else { 5 })
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound, Unsupported> {
        Ok(Compound::new())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound, Unsupported> {
        Ok(Compound::new())
    }

    fn serialize_i8(self, _: i8) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_i16(self, _: i16) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_i32(self, _: i32) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_i64(self, _: i64) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_u8(self, _: u8) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_u16(self, _: u16) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_u32(self, _: u32) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_u64(self, _: u64) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_f32(self, _: f32) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_f64(self, _: f64) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_char(self, _: char) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_none(self) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_unit(self) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<usize, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple(self, _: usize) -> Result<Impossible, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Impossible, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible, Unsupported> {
        Err(Unsupported)
    }

    // serde_json writes a number kept as its text (`RawValue`) as a struct.
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Impossible, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible, Unsupported> {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn plain_text_is_found_word_by_word() {
        let naive = |b: &[u8]| {
            b.iter()
                .all(|&b| (0x20..0x80).contains(&b) && b != b'"' && b != b'\\')
        };
        for len in 0..20 {
            for at in 0..len {
                for odd in [
                    0x00, 0x1F, 0x20, 0x21, b'"', b'#', b'[', b'\\', b']', 0x7F, 0x80, 0xFF,
                ] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = odd;
                    assert_eq!(plain(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
    }

    /// Whether [`Length`] measured `doc` itself (rather than leaving it to the written form).
    fn check(doc: &PolicyDocument) -> bool {
        let text = doc.to_json();
        assert_eq!(json_length(doc), text.chars().count(), "{text}");
        assert_eq!(written_length(doc), text.chars().count(), "{text}");
        doc.serialize(Length).is_ok()
    }

    /// Every policy of the repository's test sets and the shared corpus (when present), and
    /// texts that need escapes, are measured as long as their written form.
    #[test]
    fn the_length_is_that_of_the_written_form() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs = vec![
            root.join("tests/findings"),
            root.join("tests/corpus"),
            std::env::var_os("ECR_POLICY_CORPUS")
                .map_or_else(|| root.join("../shared/corpus"), Into::into),
        ];
        let (mut measured, mut computed) = (0, 0);
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.flatten().map(|e| e.path()) {
                if path.is_dir() {
                    dirs.push(path);
                } else if let Some(doc) = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|t| PolicyDocument::from_json(&t).ok())
                {
                    computed += usize::from(check(&doc));
                    measured += 1;
                }
            }
        }
        assert!(measured > 60, "only {measured} policies measured");
        assert!(
            computed * 10 > measured * 9,
            "{computed} of {measured} computed"
        );
        // Escapes, control characters, text beyond ASCII, numbers kept as written, booleans
        // and empty lists.
        for text in [
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"S1","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/é名":["ü\u007f😀","a\"b\\c\u0001\u000b\n\t\r\b\f/"]}}}]}"#,
            r#"{"Statement":{"Effect":"Deny","Principal":{"AWS":["111122223333"]},"NotAction":["ecr:*","s3:Get*"],"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":false}}}}"#,
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com","AWS":[]},"Action":[],"Condition":{"Bool":{"aws:SecureTransport":[true,"false"]}}}]}"#,
        ] {
            check(&PolicyDocument::from_json(text).unwrap());
        }
        // A number written as one is left to the written form.
        let numbers = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}}"#;
        assert!(!check(&PolicyDocument::from_json(numbers).unwrap()));
        assert!(check(
            &PolicyDocument::from_json(r#"{"Statement":[]}"#).unwrap()
        ));
    }
}
