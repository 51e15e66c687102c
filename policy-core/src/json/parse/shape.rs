//! The shape of a policy as written: element order, which lists were bare strings per
//! principal key, the spelling of actions, and the position of every value.
//! Rendering with a shape writes a document back the way it was read.

use super::reader::{line_column, Reader};
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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatementShape {
    pub keys: Vec<ElementName>,
    pub principal_keys: Vec<(PrincipalKey, bool)>,
    /// Each action as written: by its byte range in the text when it stands there unescaped.
    pub action_spellings: Vec<PathSegment>,
}

/// How a policy was written: the order of its elements, bare strings versus lists for every
/// principal key, the letter case of its actions, and where each value stands in
/// the text. Get one with [`ParsedPolicy::parse`](crate::json::parse::ParsedPolicy::parse).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceShape {
    pub(crate) top_keys: Vec<ElementName>,
    pub(crate) statements: Vec<StatementShape>,
    /// Each value's logical path (every list indexed), as a range of `segments`, and byte
    /// offset. Paths are written out only when a location is looked up.
    pub(crate) positions: Vec<(u32, u32, usize)>,
    pub(crate) segments: Vec<PathSegment>,
    /// The text read.
    pub(crate) text: String,
    /// Byte offset of the start of each line of `text`, for the line and column of an offset.
    pub(crate) line_starts: Vec<usize>,
}

/// One step of a recorded path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PathSegment {
    /// An object key as it stands in the text, by byte range.
    Span(u32, u32),
    /// An object key written with escapes, decoded.
    Key(Box<str>),
    Index(u32),
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
            let found = self.positions.iter().find(|(start, end, _)| {
                written.clear();
                self.write_path(&mut written, *start as usize..*end as usize);
                written == p
            });
            if let Some((_, _, offset)) = found {
                return Some(self.line_column(*offset));
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    fn write_path(&self, out: &mut String, range: std::ops::Range<usize>) {
        for segment in self.segments.get(range).unwrap_or_default() {
            let key = match segment {
                PathSegment::Span(start, end) => self
                    .text
                    .get(*start as usize..*end as usize)
                    .unwrap_or_default(),
                PathSegment::Key(k) => k,
                PathSegment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                    continue;
                }
            };
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
    }

    /// Line and column (from 1, in characters) of a byte offset, by a binary search of the
    /// line starts; a shape without them counts from the start of the text.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        if self.line_starts.is_empty() {
            return line_column(&self.text, offset);
        }
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let start = self.line_starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// Byte offsets of the start of every line.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
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
    let mut order: Vec<ElementName> = shape.top_keys.clone();
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
                    let default = StatementShape::default();
                    statement(
                        &mut out,
                        s,
                        shape.statements.get(i).unwrap_or(&default),
                        &shape.text,
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

/// The text of a recorded key or action spelling.
fn spelling_of<'t>(text: &'t str, segment: &'t PathSegment) -> &'t str {
    match segment {
        PathSegment::Span(start, end) => text.get(*start as usize..*end as usize).unwrap_or(""),
        PathSegment::Key(k) => k,
        PathSegment::Index(_) => "",
    }
}

fn statement(out: &mut String, s: &Statement, shape: &StatementShape, text: &str) {
    use ElementName as E;
    out.push('{');
    let mut first = true;
    let mut order = shape.keys.clone();
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
                    let mut keys: Vec<(PrincipalKey, bool)> = shape.principal_keys.clone();
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
                            && !shape.principal_keys.iter().any(|(k, _)| *k == pk)
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
                    let spelt = a.actions.len() == shape.action_spellings.len()
                        && a.actions
                            .iter()
                            .zip(&shape.action_spellings)
                            .all(|(item, spelling)| same_action(item, spelling_of(text, spelling)));
                    if spelt {
                        texts(
                            out,
                            a.actions.is_written_bare(),
                            shape.action_spellings.iter().map(|a| spelling_of(text, a)),
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
