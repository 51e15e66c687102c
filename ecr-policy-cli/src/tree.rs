//! A value tree that remembers where each value stands in the file, read from JSON (with a
//! small reader of its own, so that strings keep their raw span) or from YAML (through
//! `saphyr-parser` events, which keep CloudFormation's short-form tags such as `!Sub`).

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The deepest nesting read; policies need five levels, templates and plans a dozen or so.
const MAX_DEPTH: usize = 128;
/// The most values in one file, aliases expanded: bounds the work hostile YAML can cause.
const MAX_NODES: usize = 2_000_000;

/// Where a string came from, to map positions inside it back to the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrSource {
    /// A JSON string literal; its span includes the quotes.
    Json,
    /// A YAML scalar in this style.
    Yaml(ScalarStyle),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    Str(String, StrSource),
    Array(Vec<Node>),
    /// Entries in order, duplicates kept: the policy reader judges them.
    Object(Vec<(String, usize, Node)>),
    /// A YAML local tag such as `!Sub` on a value.
    Tagged(String, Box<Node>),
}

/// A value and its byte span in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub start: usize,
    pub end: usize,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(entries) => entries.iter().find(|(k, _, _)| k == key).map(|e| &e.2),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, usize, Node)] {
        match &self.value {
            Value::Object(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }
}

/// A syntax error at a byte offset.
#[derive(Debug)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

// ---------------------------------------------------------------- JSON

/// Reads JSON text (RFC 8259), keeping every value's span.
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    let mut r = JsonReader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    r.skip_ws();
    let node = r.value(0)?;
    r.skip_ws();
    if r.pos < r.bytes.len() {
        return Err(r.error("the end of the text"));
    }
    Ok(node)
}

struct JsonReader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl JsonReader<'_> {
    fn error(&self, expected: &str) -> SyntaxError {
        let found = match self.text[self.pos..].chars().next() {
            None => "the end of the text".to_owned(),
            Some(c) => format!("{c:?}"),
        };
        SyntaxError {
            offset: self.pos,
            message: format!("invalid JSON: expected {expected}, found {found}"),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8, expected: &str) -> Result<(), SyntaxError> {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError {
                offset: self.pos,
                message: format!("nested deeper than {MAX_DEPTH} levels"),
            });
        }
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        let key_at = self.pos;
                        if self.bytes.get(self.pos) != Some(&b'"') {
                            return Err(self.error("a key in double quotes"));
                        }
                        let key = self.string()?;
                        self.skip_ws();
                        self.eat(b':', "':'")?;
                        self.skip_ws();
                        let v = self.value(depth + 1)?;
                        entries.push((key, key_at, v));
                        self.skip_ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("',' or '}'")),
                        }
                    }
                }
                Value::Object(entries)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        items.push(self.value(depth + 1)?);
                        self.skip_ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("',' or ']'")),
                        }
                    }
                }
                Value::Array(items)
            }
            Some(b'"') => Value::Str(self.string()?, StrSource::Json),
            Some(b't') if self.text[self.pos..].starts_with("true") => {
                self.pos += 4;
                Value::Bool(true)
            }
            Some(b'f') if self.text[self.pos..].starts_with("false") => {
                self.pos += 5;
                Value::Bool(false)
            }
            Some(b'n') if self.text[self.pos..].starts_with("null") => {
                self.pos += 4;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => {
                let len = number_len(&self.bytes[self.pos..]);
                if len == 0 {
                    return Err(self.error("a number"));
                }
                self.pos += len;
                Value::Number(self.text[start..self.pos].to_owned())
            }
            _ => return Err(self.error("a value")),
        };
        Ok(Node {
            value,
            start,
            end: self.pos,
        })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let (s, end) = decode_json_string(self.text, self.pos, |_, _| {})
            .map_err(|(offset, message)| SyntaxError { offset, message })?;
        self.pos = end;
        Ok(s)
    }
}

/// The length of the JSON number at the start of `b`, 0 if there is none.
fn number_len(b: &[u8]) -> usize {
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return 0,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return 0;
        }
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return 0;
        }
    }
    i
}

/// Decodes the JSON string literal starting at `start` (its opening quote). `each` is told,
/// for every decoded character, its byte offset in the result and in `text`. Returns the
/// string and the offset after the closing quote.
pub fn decode_json_string(
    text: &str,
    start: usize,
    mut each: impl FnMut(usize, usize),
) -> Result<(String, usize), (usize, String)> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        let Some(&b) = bytes.get(i) else {
            return Err((start, "invalid JSON: the string is not closed".to_owned()));
        };
        match b {
            b'"' => return Ok((out, i + 1)),
            b'\\' => {
                let at = i;
                let c = match bytes.get(i + 1) {
                    Some(b'"') => '"',
                    Some(b'\\') => '\\',
                    Some(b'/') => '/',
                    Some(b'b') => '\u{8}',
                    Some(b'f') => '\u{c}',
                    Some(b'n') => '\n',
                    Some(b'r') => '\r',
                    Some(b't') => '\t',
                    Some(b'u') => {
                        let hex = |j: usize| {
                            text.get(j..j + 4)
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                        };
                        let Some(hi) = hex(i + 2) else {
                            return Err((at, "invalid JSON: \\u needs four hex digits".to_owned()));
                        };
                        let mut len = 6;
                        let code = if (0xD800..0xDC00).contains(&hi) {
                            match (text.get(i + 6..i + 8), hex(i + 8)) {
                                (Some("\\u"), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                                    len = 12;
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                }
                                _ => {
                                    return Err((
                                        at,
                                        "invalid JSON: a lone surrogate in \\u escapes".to_owned(),
                                    ))
                                }
                            }
                        } else {
                            hi
                        };
                        let Some(c) = char::from_u32(code) else {
                            return Err((
                                at,
                                "invalid JSON: a lone surrogate in \\u escapes".to_owned(),
                            ));
                        };
                        each(out.len(), at);
                        out.push(c);
                        i += len;
                        continue;
                    }
                    _ => return Err((at, "invalid JSON: unknown escape".to_owned())),
                };
                each(out.len(), at);
                out.push(c);
                i += 2;
            }
            0..=0x1f => {
                return Err((
                    i,
                    "invalid JSON: a control character in a string must be escaped".to_owned(),
                ))
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or('\u{fffd}');
                each(out.len(), i);
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
}

// ---------------------------------------------------------------- YAML

/// Reads the first YAML document of `text`.
pub fn parse_yaml(text: &str) -> Result<Node, SyntaxError> {
    let mut docs = yaml_documents(text, false)?;
    Ok(docs.swap_remove(0))
}

/// Reads every YAML document of `text` (`---` between them), in order; at least one.
pub fn parse_yaml_documents(text: &str) -> Result<Vec<Node>, SyntaxError> {
    yaml_documents(text, true)
}

fn yaml_documents(text: &str, all: bool) -> Result<Vec<Node>, SyntaxError> {
    let offsets = CharOffsets::new(text);
    let mut b = YamlBuilder {
        offsets: &offsets,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    let mut docs = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| SyntaxError {
            offset: offsets.byte(e.marker().index()),
            message: format!("invalid YAML: {}", e.info()),
        })?;
        if b.event(event, span)? {
            docs.extend(b.root.take());
            if !all {
                break;
            }
        }
    }
    docs.extend(b.root.take());
    if docs.is_empty() {
        return Err(SyntaxError {
            offset: 0,
            message: "the YAML text has no document".to_owned(),
        });
    }
    Ok(docs)
}

/// Character index to byte offset (saphyr counts characters).
struct CharOffsets(Option<Vec<usize>>);

impl CharOffsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            CharOffsets(None)
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            CharOffsets(Some(v))
        }
    }

    fn byte(&self, index: usize) -> usize {
        match &self.0 {
            None => index,
            Some(v) => v.get(index).copied().unwrap_or(*v.last().unwrap_or(&0)),
        }
    }
}

enum Open {
    Seq(Node, usize, Option<String>),
    /// A mapping, its anchor and tag, the key waiting for its value, and the values of its
    /// merge keys (`<<: *base`), merged in at its end.
    Map(
        Node,
        usize,
        Option<String>,
        Option<(String, usize)>,
        Vec<Node>,
    ),
}

struct YamlBuilder<'o> {
    offsets: &'o CharOffsets,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
}

fn tag_name(tag: Option<Cow<'_, saphyr_parser::Tag>>) -> Option<String> {
    let tag = tag?;
    // Only local tags (`!Sub`) are CloudFormation's; `!!str` and the like are YAML's own.
    (tag.handle == "!").then(|| format!("!{}", tag.suffix))
}

impl YamlBuilder<'_> {
    /// Takes one event; true once the first document is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, SyntaxError> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                offset: start,
                message: format!("more than {MAX_NODES} values (aliases expanded)"),
            });
        }
        match event {
            Event::DocumentEnd => return Ok(self.root.is_some()),
            Event::Scalar(text, style, anchor, tag) => {
                let value = if style == ScalarStyle::Plain && tag.is_none() {
                    plain_scalar(&text)
                } else {
                    Value::Str(text.into_owned(), StrSource::Yaml(style))
                };
                let node = wrap(Node { value, start, end }, tag_name(tag));
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.depth_check(start)?;
                self.stack.push(Open::Seq(
                    Node {
                        value: Value::Array(Vec::new()),
                        start,
                        end,
                    },
                    anchor,
                    tag_name(tag),
                ));
            }
            Event::MappingStart(anchor, tag) => {
                self.depth_check(start)?;
                self.stack.push(Open::Map(
                    Node {
                        value: Value::Object(Vec::new()),
                        start,
                        end,
                    },
                    anchor,
                    tag_name(tag),
                    None,
                    Vec::new(),
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.stack.pop() {
                    let (mut node, anchor, tag) = match open {
                        Open::Seq(n, a, t) => (n, a, t),
                        Open::Map(mut n, a, t, _, merges) => {
                            merge(&mut n, merges);
                            (n, a, t)
                        }
                    };
                    node.end = end.max(node.start);
                    self.finish(wrap(node, tag), anchor)?;
                }
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().unwrap_or(Node {
                    value: Value::Null,
                    start,
                    end,
                });
                self.nodes += count(&node);
                if self.nodes > MAX_NODES {
                    return Err(SyntaxError {
                        offset: start,
                        message: format!("more than {MAX_NODES} values (aliases expanded)"),
                    });
                }
                self.finish(node, 0)?;
            }
            _ => {}
        }
        Ok(false)
    }

    fn depth_check(&self, at: usize) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                offset: at,
                message: format!("nested deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::Seq(seq, _, _)) => {
                if let Value::Array(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(map, _, _, pending, merges)) => match pending.take() {
                None => {
                    if matches!(&node.value, Value::Str(k, StrSource::Yaml(ScalarStyle::Plain)) if k == "<<")
                    {
                        // The merge key of YAML 1.1, which tools that expand templates
                        // (`aws cloudformation package`) apply.
                        *pending = Some((MERGE_KEY.to_owned(), node.start));
                        return Ok(());
                    }
                    let key = match &node.value {
                        Value::Str(s, _) | Value::Number(s) => s.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_owned(),
                        _ => "?".to_owned(),
                    };
                    *pending = Some((key, node.start));
                }
                Some((key, _)) if key == MERGE_KEY => match node.value {
                    // A list of mappings: the first that has a key gives its value.
                    Value::Array(items) => merges.extend(items),
                    _ => merges.push(node),
                },
                Some((key, key_at)) => {
                    if let Value::Object(entries) = &mut map.value {
                        entries.push((key, key_at, node));
                    }
                }
            },
        }
        Ok(())
    }
}

/// Stands for a plain `<<` key while its value is read; no key read from a file has it.
const MERGE_KEY: &str = "\u{0}<<";

/// Adds, after its own entries, the entries of the merged mappings whose keys `map` does not
/// have (the first merged mapping wins), keeping their own positions (in the anchored mapping). A merged value that is no mapping is kept
/// as a `<<` entry, for the reader to refuse.
fn merge(map: &mut Node, merges: Vec<Node>) {
    let Value::Object(entries) = &mut map.value else {
        return;
    };
    for source in merges {
        match source.value {
            Value::Object(merged) => {
                for entry in merged {
                    if !entries.iter().any(|e| e.0 == entry.0) {
                        entries.push(entry);
                    }
                }
            }
            _ => entries.push(("<<".to_owned(), source.start, source)),
        }
    }
}

fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(entries) => entries.iter().map(|e| count(&e.2)).sum(),
        Value::Tagged(_, inner) => count(inner),
        _ => 0,
    }
}

fn wrap(node: Node, tag: Option<String>) -> Node {
    match tag {
        None => node,
        Some(tag) => Node {
            start: node.start,
            end: node.end,
            value: Value::Tagged(tag, Box::new(node)),
        },
    }
}

/// A plain YAML scalar under the core schema: null, booleans and numbers; anything else
/// (dates such as `2012-10-17` included) is a string.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if number_len(text.as_bytes()) == text.len() => Value::Number(text.to_owned()),
        _ => Value::Str(text.to_owned(), StrSource::Yaml(ScalarStyle::Plain)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_spans_and_escapes() {
        let text = r#"{"a": ["x\"y", 1.5e3, true, null], "b": {}}"#;
        let node = parse_json(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.start..a.end], r#"["x\"y", 1.5e3, true, null]"#);
        assert_eq!(a.items()[0].as_str(), Some("x\"y"));
        assert_eq!(a.items()[1].value, Value::Number("1.5e3".into()));
    }

    #[test]
    fn json_errors_are_located() {
        let err = parse_json("{\"a\": [1,]}").unwrap_err();
        assert_eq!(err.offset, 9);
        let deep = "[".repeat(1000);
        assert!(parse_json(&deep).unwrap_err().message.contains("deeper"));
        assert!(parse_json("\"\\ud800\"").is_err());
        assert!(parse_json("01").is_err());
    }

    #[test]
    fn yaml_keeps_tags_and_positions() {
        let text = "A:\n  B: !Sub 'arn:${X}'\n  C: [1, two]\n";
        let node = parse_yaml(text).unwrap();
        let b = node.get("A").unwrap().get("B").unwrap();
        let Value::Tagged(tag, inner) = &b.value else {
            panic!("{b:?}")
        };
        assert_eq!(tag, "!Sub");
        assert_eq!(inner.as_str(), Some("arn:${X}"));
        let c = node.get("A").unwrap().get("C").unwrap();
        assert_eq!(c.items()[1].start, text.find("two").unwrap());
    }

    #[test]
    fn yaml_merge_keys_add_what_the_mapping_lacks() {
        let text = "b: &b {Effect: Deny, Sid: B}\nc: &c {Sid: C, Action: x}\nm:\n  <<: [*b, *c]\n  Effect: Allow\nq:\n  \"<<\": *b\n";
        let node = parse_yaml(text).unwrap();
        let m = node.get("m").unwrap();
        let keys: Vec<&str> = m.entries().iter().map(|e| e.0.as_str()).collect();
        assert_eq!(keys, ["Effect", "Sid", "Action"]);
        assert_eq!(m.get("Effect").unwrap().as_str(), Some("Allow"));
        assert_eq!(m.get("Sid").unwrap().as_str(), Some("B"));
        // Merged entries point into the anchored mapping.
        assert_eq!(m.get("Action").unwrap().start, text.find("x}").unwrap());
        // A quoted "<<" is a plain key.
        assert!(node.get("q").unwrap().get("<<").is_some());
    }

    #[test]
    fn yaml_documents_are_read_in_order() {
        let text = "# c\n---\na: 1\n---\nb: 2\n...\n";
        let docs = parse_yaml_documents(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(docs[0].get("a").is_some() && docs[1].get("b").is_some());
        assert_eq!(docs[1].start, text.find("b:").unwrap());
        // The first document alone, as before.
        assert!(parse_yaml(text).unwrap().get("a").is_some());
        assert!(parse_yaml_documents("# only a comment\n").is_err());
    }

    #[test]
    fn yaml_aliases_are_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("a{}", i - 1)
            };
            text.push_str(&format!(
                "a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse_yaml(&text).unwrap_err().message.contains("aliases"));
    }
}
