//! A small JSON reader: a cursor over the text that the document reader drives element by
//! element, so that no intermediate tree is built, strings are borrowed when they have no
//! escapes, and every error knows its byte offset.
//!
//! The reader never recurses: the caller asks for exactly the value it expects, so nesting
//! depth is bounded by the policy grammar (five levels), whatever the input.

use std::borrow::Cow;

/// A syntax error: the byte offset and what was expected there.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub expected: &'static str,
}

/// What kind of value starts at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
    /// Not the start of any JSON value (or the end of the input).
    Invalid,
}

impl Kind {
    pub(crate) const fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
            Kind::Invalid => "no JSON value",
        }
    }
}

pub(crate) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

type Result<T> = std::result::Result<T, SyntaxError>;

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    fn fail<T>(&self, expected: &'static str) -> Result<T> {
        Err(SyntaxError {
            offset: self.pos,
            expected,
        })
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Skips white space and says what value comes next; the cursor is then on its first byte.
    pub(crate) fn peek(&mut self) -> Kind {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b'-' | b'0'..=b'9') => Kind::Number,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Invalid,
        }
    }

    /// Whether only white space is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos == self.bytes.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `{`.
    pub(crate) fn begin_object(&mut self) -> Result<()> {
        if self.eat(b'{') {
            Ok(())
        } else {
            self.fail("'{'")
        }
    }

    /// The next key of an object and the offset of its opening quote, or `None` at `}`.
    /// `first` must be true for the first call after [`begin_object`](Self::begin_object).
    pub(crate) fn next_key(&mut self, first: bool) -> Result<Option<(Cow<'a, str>, usize)>> {
        if self.eat(b'}') {
            return Ok(None);
        }
        if !first && !self.eat(b',') {
            return self.fail("',' or '}'");
        }
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'"') {
            return self.fail(if first {
                "a key in double quotes or '}'"
            } else {
                "a key in double quotes"
            });
        }
        let at = self.pos;
        let key = self.string()?;
        if !self.eat(b':') {
            return self.fail("':' after the key");
        }
        Ok(Some((key, at)))
    }

    /// Consumes `[`.
    pub(crate) fn begin_array(&mut self) -> Result<()> {
        if self.eat(b'[') {
            Ok(())
        } else {
            self.fail("'['")
        }
    }

    /// Whether another element follows (consuming the `,`), or `false` at `]`.
    pub(crate) fn next_element(&mut self, first: bool) -> Result<bool> {
        if self.eat(b']') {
            return Ok(false);
        }
        if !first && !self.eat(b',') {
            return self.fail("',' or ']'");
        }
        Ok(true)
    }

    /// How many commas stand between here and the next `]`: in an array of strings, the
    /// values left after the next one, unless a string holds a comma or a `]`.
    pub(crate) fn commas_before_close(&self) -> usize {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let end = memchr::memchr(b']', rest).unwrap_or(rest.len());
        memchr::memchr_iter(b',', &rest[..end]).count()
    }

    /// Reads a string, borrowed from the input unless it has escapes.
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'"') {
            return self.fail("a string");
        }
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes. One scan, eight bytes at a time, to the first byte that needs
        // attention (policy strings are short: a SIMD search costs more to set up than this).
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        match string_stop(rest).map(|i| (i, rest[i])) {
            None => {
                self.pos = self.bytes.len();
                return self.fail("the closing '\"' of the string");
            }
            Some((i, b'"')) => {
                let s = &self.text[start..start + i];
                self.pos = start + i + 1;
                return Ok(Cow::Borrowed(s));
            }
            Some((i, b'\\')) => self.pos = start + i,
            Some((i, _)) => {
                self.pos = start + i;
                return self.fail("no control character inside a string (escape it)");
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            match self.bytes.get(self.pos) {
                None => return self.fail("the closing '\"' of the string"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => {
                            return self
                                .fail("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                        }
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(&b) if b < 0x20 => {
                    return self.fail("no control character inside a string (escape it)")
                }
                Some(_) => {
                    // Copy the run up to the next quote or backslash; the input is valid UTF-8
                    // and both delimiters are ASCII, so the run ends on a character boundary.
                    let run_start = self.pos;
                    while let Some(&b) = self.bytes.get(self.pos) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run_start..self.pos]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            return self.fail("four hex digits after \\u");
        };
        let mut n = 0u32;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return self.fail("four hex digits after \\u"),
            };
            n = n * 16 + u32::from(v);
        }
        self.pos += 4;
        Ok(n)
    }

    fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return self.fail("a low surrogate \\uDC00-\\uDFFF after a high surrogate");
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return self.fail("a low surrogate \\uDC00-\\uDFFF after a high surrogate");
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.fail("a Unicode scalar value (a lone surrogate is not one)"),
        }
    }

    /// Whether `text` is one JSON number, nothing before or after: the text a number is
    /// written back with, whatever its size or precision.
    pub(crate) fn is_number(text: &str) -> bool {
        let mut r = Reader::new(text);
        r.bytes
            .first()
            .is_some_and(|b| *b == b'-' || b.is_ascii_digit())
            && r.number().is_ok()
            && r.pos == r.bytes.len()
    }

    /// Reads a number and returns its text.
    pub(crate) fn number(&mut self) -> Result<&'a str> {
        self.skip_ws();
        let start = self.pos;
        let digits = |r: &mut Self| {
            let s = r.pos;
            while r.bytes.get(r.pos).is_some_and(u8::is_ascii_digit) {
                r.pos += 1;
            }
            r.pos - s
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return self.fail("a digit"),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return self.fail("a digit after the decimal point");
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return self.fail("a digit in the exponent");
            }
        }
        Ok(&self.text[start..self.pos])
    }

    /// Reads `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Result<bool> {
        self.skip_ws();
        if self.bytes[self.pos..].starts_with(b"true") {
            self.pos += 4;
            Ok(true)
        } else if self.bytes[self.pos..].starts_with(b"false") {
            self.pos += 5;
            Ok(false)
        } else {
            self.fail("true or false")
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The position of the first byte that ends the plain run of a string: `"`, `\\` or a control
/// byte (below 0x20, which JSON requires escaped). Eight bytes at a time: in `x ^ c` a byte
/// equal to `c` is zero, and a byte `b` has `b - k` wrap into the high bit when `b < k` (the
/// `!x` term rules out bytes that had the high bit set already). A borrow can flag a byte
/// above a flagged one, never below, so the lowest flag is exact.
fn string_stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let below = |x: u64, k: u8| x.wrapping_sub(ONES * u64::from(k)) & !x;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let flags = (below(quote, 1) | below(backslash, 1) | below(x, 0x20)) & HIGH;
        if flags != 0 {
            return Some(at + flags.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stop_is_found_in_every_position() {
        let slow = |t: &[u8]| t.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        for len in 0..20 {
            let clean = vec![b'a'; len];
            assert_eq!(string_stop(&clean), None);
            for at in 0..len {
                for bad in [0x00, 0x01, 0x0a, 0x1f, b'"', b'\\'] {
                    let mut text = clean.clone();
                    text[at] = bad;
                    assert_eq!(string_stop(&text), Some(at), "{len} {at} {bad}");
                    // Whatever follows the first stop (bytes that borrow, other stops), it
                    // is the one found.
                    for after in [0x00, 0x20, 0x21, b'"', b'\\', 0x80, 0xff] {
                        for later in at + 1..len {
                            let mut text = text.clone();
                            text[later] = after;
                            assert_eq!(string_stop(&text), slow(&text), "{len} {at} {later}");
                        }
                    }
                }
                for fine in [
                    0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xc3, 0xff,
                ] {
                    let mut text = clean.clone();
                    text[at] = fine;
                    assert_eq!(string_stop(&text), None, "{len} {at} {fine}");
                }
            }
        }
    }

    #[test]
    fn strings_numbers_and_positions() {
        let mut r = Reader::new(r#" "a\"\u00e9\ud83d\ude00b" -1.5e+3 "#);
        assert_eq!(r.string().unwrap(), "a\"é😀b");
        assert_eq!(r.number().unwrap(), "-1.5e+3");
        assert!(r.at_end());
        for bad in [r#""\ud800""#, r#""\x""#, "\"a", "\"\u{1}\""] {
            assert!(Reader::new(bad).string().is_err(), "{bad}");
        }
        for bad in ["01", "-", "1.", "1e"] {
            let mut r = Reader::new(bad);
            let ok = r.number().is_ok() && r.at_end();
            assert!(!ok, "{bad}");
        }
        assert_eq!(line_column("ab\ncé\nx", 6), (2, 3));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
