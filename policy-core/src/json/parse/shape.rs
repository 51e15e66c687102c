//! The shape of a policy as written: element order, which lists were bare strings per
//! principal key, the spelling of actions, and the position of every value.
//! Rendering with a shape writes a document back the way it was read.

use std::sync::OnceLock;

use super::reader::Reader;
use crate::model::action::ActionItem;
use crate::model::condition::{ConditionValue, Conditions};
use crate::model::document::PolicyDocument;
use crate::model::list::ValueList;
use crate::model::principal::PrincipalKey;
use crate::model::statement::Statement;

/// The elements whose order a shape records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ElementName {
    Version,
    Id,
    Statement,
    Sid,
    Effect,
    Principal,
    NotPrincipal,
    Action,
    NotAction,
    Resource,
    NotResource,
    Condition,
}

/// How one statement was written. A statement has at most six elements and a principal at
/// most four keys (the reader refuses repeats), so their order is kept inline; its action
/// spellings are a range `(start, end)` of the document's list, recorded while the
/// statement is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatementShape {
    pub keys: Slots<ElementName, 6>,
    pub principal_keys: Slots<(PrincipalKey, bool), 4>,
    /// Each action as written: by its byte range in the text when it stands there unescaped.
    pub action_spellings: (u32, u32),
}

/// Up to `N` values in the order they were put.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slots<T, const N: usize>([Option<T>; N]);

impl<T, const N: usize> Default for Slots<T, N> {
    fn default() -> Self {
        Slots([const { None }; N])
    }
}

impl<T: Copy, const N: usize> Slots<T, N> {
    /// Puts `value` after the others; past `N` values (which the grammar rules out) it is
    /// dropped.
    pub(crate) fn put(&mut self, value: T) {
        if let Some(slot) = self.0.iter_mut().find(|s| s.is_none()) {
            *slot = Some(value);
        }
    }

    pub(crate) fn to_vec(self) -> Vec<T> {
        self.0.into_iter().flatten().collect()
    }
}

/// No path node: the path of the document itself, or a level not yet recorded.
pub(crate) const NO_NODE: u32 = u32::MAX;

/// How a policy was written: the order of its elements, bare strings versus lists for every
/// principal key, the letter case of its actions, and where each value stands in
/// the text. Get one with [`ParsedPolicy::parse`](crate::json::parse::ParsedPolicy::parse).
#[derive(Clone, Debug, Default)]
pub struct SourceShape {
    pub(crate) top_keys: Slots<ElementName, 3>,
    pub(crate) statements: Vec<StatementShape>,
    pub(crate) action_spellings: Vec<PathSegment>,
    /// The tree of recorded paths and the values recorded at them, in the order read: each
    /// node is its parent (or [`NO_NODE`]) and one segment, so that recording a value costs
    /// the same however deep it stands; a value is a [`PathSegment::Value`] under the node of
    /// its path. Paths are written out only when a location is looked up.
    pub(crate) nodes: Vec<(u32, PathSegment)>,
    /// Keys and action spellings written with escapes, decoded, one after the other.
    pub(crate) decoded: String,
    /// The text read.
    pub(crate) text: String,
    /// Byte offset of the start of each line of `text`, for the line and column of an offset:
    /// found on the first location asked for, since most reads ask for none.
    pub(crate) line_starts: OnceLock<Vec<usize>>,
}

/// Shapes are equal when they record the same things: the line index is derived from the
/// text, whether it has been found yet or not.
impl PartialEq for SourceShape {
    fn eq(&self, other: &Self) -> bool {
        self.top_keys == other.top_keys
            && self.statements == other.statements
            && self.action_spellings == other.action_spellings
            && self.nodes == other.nodes
            && self.decoded == other.decoded
            && self.text == other.text
    }
}

impl Eq for SourceShape {}

/// One step of a recorded path, or a recorded spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathSegment {
    /// An object key as it stands in the text, by byte range.
    Span(u32, u32),
    /// An object key written with escapes, decoded: a byte range of
    /// [`SourceShape::decoded`].
    Decoded(u32, u32),
    Index(u32),
    /// Not a step: a value recorded at the path of its parent node, by its byte offset.
    Value(u32),
}

/// A range of indexes as recorded in a [`StatementShape`].
fn range((start, end): (u32, u32)) -> std::ops::Range<usize> {
    start as usize..end as usize
}

impl SourceShape {
    /// The line and column (from 1) of the value at `path`, e.g. `Statement[0].Action[1]`
    /// (every list indexed, even one written as a bare string). Falls back to the nearest
    /// enclosing value that was recorded.
    #[must_use]
    pub fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let mut written = String::new();
        let mut p = path;
        loop {
            let found = self.nodes.iter().find_map(|&(node, segment)| {
                let PathSegment::Value(offset) = segment else {
                    return None;
                };
                written.clear();
                self.write_path(&mut written, node);
                (written == p).then_some(offset)
            });
            if let Some(offset) = found {
                return Some(self.line_column(offset as usize));
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Writes the path of `node`, its parents' first.
    fn write_path(&self, out: &mut String, node: u32) {
        let Some(&(parent, segment)) = self.nodes.get(node as usize) else {
            return;
        };
        // A parent is always recorded before its children, so this ends.
        if parent < node {
            self.write_path(out, parent);
        }
        if let PathSegment::Index(i) = segment {
            out.push('[');
            out.push_str(&i.to_string());
            out.push(']');
            return;
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(self.spelling(segment));
    }

    /// The text of a recorded key or action spelling.
    pub(crate) fn spelling(&self, segment: PathSegment) -> &str {
        match segment {
            PathSegment::Span(start, end) => self.text.get(start as usize..end as usize),
            PathSegment::Decoded(start, end) => self.decoded.get(start as usize..end as usize),
            PathSegment::Index(_) | PathSegment::Value(_) => None,
        }
        .unwrap_or_default()
    }

    /// Line and column (from 1, in characters) of a byte offset, by a binary search of the
    /// line starts.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let line_starts = self.line_starts.get_or_init(|| line_starts(&self.text));
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = line_starts.partition_point(|&start| start <= offset).max(1);
        let start = line_starts.get(line - 1).copied().unwrap_or(0);
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// Byte offsets of the start of every line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

fn escape(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn key(out: &mut String, first: &mut bool, name: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    escape(out, name);
    out.push(':');
}

fn texts<'t>(out: &mut String, bare: bool, items: impl ExactSizeIterator<Item = &'t str>) {
    let n = items.len();
    if bare && n == 1 {
        for t in items {
            escape(out, t);
        }
        return;
    }
    out.push('[');
    for (i, t) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape(out, t);
    }
    out.push(']');
}

/// Compact JSON of `doc` in the shape it was read in. Elements that the shape does not know
/// (because the document changed since) follow in the usual order.
pub(crate) fn render(doc: &PolicyDocument, shape: &SourceShape) -> String {
    let mut out = String::with_capacity(512);
    out.push('{');
    let mut first = true;
    let mut order: Vec<ElementName> = shape.top_keys.to_vec();
    for k in [
        ElementName::Version,
        ElementName::Id,
        ElementName::Statement,
    ] {
        if !order.contains(&k) {
            order.push(k);
        }
    }
    for k in order {
        match k {
            ElementName::Version => {
                if let Some(v) = doc.version {
                    key(&mut out, &mut first, "Version");
                    escape(&mut out, v.as_str());
                }
            }
            ElementName::Id => {
                if let Some(id) = &doc.id {
                    key(&mut out, &mut first, "Id");
                    escape(&mut out, id.as_str());
                }
            }
            _ => {
                key(&mut out, &mut first, "Statement");
                let bare = doc.statements.is_written_bare();
                if !bare {
                    out.push('[');
                }
                for (i, s) in doc.statements.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    statement(
                        &mut out,
                        s,
                        shape,
                        shape.statements.get(i).copied().unwrap_or_default(),
                    );
                }
                if !bare {
                    out.push(']');
                }
            }
        }
    }
    out.push('}');
    out
}

fn statement(out: &mut String, s: &Statement, source: &SourceShape, shape: StatementShape) {
    use ElementName as E;
    let principal_keys = &shape.principal_keys.to_vec()[..];
    let action_spellings = source
        .action_spellings
        .get(range(shape.action_spellings))
        .unwrap_or_default();
    out.push('{');
    let mut first = true;
    let mut order = shape.keys.to_vec();
    for k in [
        E::Sid,
        E::Effect,
        E::Principal,
        E::Action,
        E::Resource,
        E::Condition,
    ] {
        let present = |o: &Vec<ElementName>, a, b| o.contains(&a) || o.contains(&b);
        let already = match k {
            E::Principal => present(&order, E::Principal, E::NotPrincipal),
            E::Action => present(&order, E::Action, E::NotAction),
            E::Resource => present(&order, E::Resource, E::NotResource),
            k => order.contains(&k),
        };
        if !already {
            order.push(k);
        }
    }
    for k in order {
        match k {
            E::Sid => {
                if let Some(sid) = &s.sid {
                    key(out, &mut first, "Sid");
                    escape(out, sid.as_str());
                }
            }
            E::Effect => {
                key(out, &mut first, "Effect");
                escape(out, s.effect.as_str());
            }
            E::Principal | E::NotPrincipal => {
                if let Some(p) = &s.principal {
                    key(
                        out,
                        &mut first,
                        if p.negated {
                            "NotPrincipal"
                        } else {
                            "Principal"
                        },
                    );
                    if p.is_anyone() {
                        out.push_str("\"*\"");
                        continue;
                    }
                    out.push('{');
                    let mut first_key = true;
                    let mut keys: Vec<(PrincipalKey, bool)> = principal_keys.to_vec();
                    for pk in PrincipalKey::ALL {
                        if !keys.iter().any(|(k, _)| *k == pk) {
                            keys.push((
                                pk,
                                p.principals.form() == crate::model::list::ListForm::Compact,
                            ));
                        }
                    }
                    for (pk, bare) in keys {
                        let values: Vec<String> = p.with_key(pk).map(ToString::to_string).collect();
                        if values.is_empty()
                            && !principal_keys.iter().any(|(k, _)| *k == pk)
                            && !p.empty_keys.contains(&pk)
                        {
                            continue;
                        }
                        key(out, &mut first_key, pk.as_str());
                        texts(out, bare, values.iter().map(String::as_str));
                    }
                    out.push('}');
                }
            }
            E::Action | E::NotAction => {
                if let Some(a) = &s.action {
                    key(
                        out,
                        &mut first,
                        if a.negated { "NotAction" } else { "Action" },
                    );
                    let spelt = a.actions.len() == action_spellings.len()
                        && a.actions
                            .iter()
                            .zip(action_spellings)
                            .all(|(item, spelling)| same_action(item, source.spelling(*spelling)));
                    if spelt {
                        texts(
                            out,
                            a.actions.is_written_bare(),
                            action_spellings.iter().map(|a| source.spelling(*a)),
                        );
                    } else {
                        texts(
                            out,
                            a.actions.is_written_bare(),
                            a.actions.iter().map(ActionItem::as_str),
                        );
                    }
                }
            }
            E::Resource | E::NotResource => {
                if let Some(r) = &s.resource {
                    key(
                        out,
                        &mut first,
                        if r.negated { "NotResource" } else { "Resource" },
                    );
                    texts(
                        out,
                        r.resources.is_written_bare(),
                        r.resources.iter().map(String::as_str),
                    );
                }
            }
            E::Condition => {
                if !s.condition.is_empty() {
                    key(out, &mut first, "Condition");
                    conditions(out, &s.condition);
                }
            }
            E::Version | E::Id | E::Statement => {}
        }
    }
    out.push('}');
}

fn same_action(item: &ActionItem, text: &str) -> bool {
    item.as_str().eq_ignore_ascii_case(text)
}

fn conditions(out: &mut String, c: &Conditions) {
    out.push('{');
    let mut first = true;
    for (op, tests) in c.by_operator() {
        key(out, &mut first, &op.to_string());
        out.push('{');
        let mut first_key = true;
        for t in tests {
            key(out, &mut first_key, t.key.as_str());
            values(out, &t.values);
        }
        out.push('}');
    }
    out.push('}');
}

fn values(out: &mut String, v: &ValueList<ConditionValue>) {
    let one = |out: &mut String, v: &ConditionValue| match v {
        ConditionValue::String(s) => escape(out, s),
        ConditionValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ConditionValue::Number(n) if Reader::is_number(n) => out.push_str(n),
        ConditionValue::Number(n) => escape(out, n),
    };
    if v.is_written_bare() {
        one(out, &v[0]);
        return;
    }
    out.push('[');
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        one(out, x);
    }
    out.push(']');
}

#[cfg(test)]
mod locate_tests {
    use crate::json::parse::ParsedPolicy;

    #[test]
    fn locates_keys_with_dots_and_escapes_on_later_lines() {
        let text = "{\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Principal\": \"*\",\n   \"Action\": [\"ecr:BatchGetImage\",\n \"ecr:PutImage\"],\n   \"Condition\": {\"StringEquals\": {\"aws:RequestTag/a.b\": \"é\", \"aws:Principal\\u0054ag/c\": \"y\"}}}]}";
        let shape = ParsedPolicy::parse(text).unwrap().shape;
        // Columns count characters: `é` is one.
        let effect = "  {\"Effect\": ".chars().count() + 1;
        assert_eq!(shape.locate("Statement[0].Effect"), Some((3, effect)));
        assert_eq!(shape.locate("Statement[0].Action[1]"), Some((5, 2)));
        let line6 = text.lines().nth(5).unwrap();
        // Columns count characters: the `é` before the second key is one.
        let column = |needle: &str| {
            line6[..line6.find(needle).unwrap() + needle.len()]
                .chars()
                .count()
                + 1
        };
        assert_eq!(
            shape.locate("Statement[0].Condition.StringEquals.aws:RequestTag/a.b[0]"),
            Some((6, column("\"aws:RequestTag/a.b\": ")))
        );
        assert_eq!(
            shape.locate("Statement[0].Condition.StringEquals.aws:PrincipalTag/c[0]"),
            Some((6, column("\"aws:Principal\\u0054ag/c\": ")))
        );
        // An unrecorded path falls back to the nearest recorded value around it.
        assert_eq!(
            shape.locate("Statement[0].Effect.Nothing"),
            Some((3, effect))
        );
        assert_eq!(shape.locate("Elsewhere"), None);
    }
}
