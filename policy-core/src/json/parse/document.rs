//! Reads a policy document from JSON text, element by element, with the path and position of
//! every value.

use std::borrow::Cow;

use policy_catalogue::{checks, closest, ConditionOperator};

use super::error::{ParseError, ParseErrorKind};
use super::limits::Limits;
use super::reader::{line_column, Kind, Reader, SyntaxError};
use super::shape::{ElementName, PathSegment, Slots, SourceShape, StatementShape, NO_NODE};
use crate::model::action::ActionItem;
use crate::model::condition::{Condition, ConditionKey, ConditionValue, Conditions};
use crate::model::document::PolicyDocument;
use crate::model::list::{ListForm, ValueList};
use crate::model::names::{PolicyId, ServiceName, Sid};
use crate::model::principal::{AwsPrincipal, Principal, PrincipalKey};
use crate::model::statement::{ActionElement, PrincipalElement, ResourceElement, Statement};
use crate::model::version::{Effect, Version};

#[derive(Clone, Debug)]
enum Seg<'a> {
    Key(Cow<'a, str>),
    /// An index; `bare` when the list was written as a single value.
    Index(usize, bool),
}

type Result<T> = std::result::Result<T, ParseError>;

/// A statement element and its negated form, with their names in the source shape.
type ElementPair = ((&'static str, ElementName), (&'static str, ElementName));

const PRINCIPAL_PAIR: ElementPair = (
    ("Principal", ElementName::Principal),
    ("NotPrincipal", ElementName::NotPrincipal),
);
const ACTION_PAIR: ElementPair = (
    ("Action", ElementName::Action),
    ("NotAction", ElementName::NotAction),
);
const RESOURCE_PAIR: ElementPair = (
    ("Resource", ElementName::Resource),
    ("NotResource", ElementName::NotResource),
);

pub(crate) struct DocumentReader<'a> {
    text: &'a str,
    r: Reader<'a>,
    /// The path of the value being read, each level with its node in the shape's path tree
    /// once a value under it is recorded ([`NO_NODE`] before).
    path: Vec<(Seg<'a>, u32)>,
    limits: Limits,
    shape: Option<SourceShape>,
}

const PRINCIPAL_KEYS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];
const TOP_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl<'a> DocumentReader<'a> {
    pub(crate) fn new(text: &'a str, limits: Limits, record_shape: bool) -> Self {
        DocumentReader {
            text,
            r: Reader::new(text),
            path: Vec::with_capacity(8),
            limits,
            // About one recorded value and one path node per 20 bytes of policy text, an action
            // per 32 and a statement per 256: reserved once rather than grown value by value.
            shape: record_shape.then(|| SourceShape {
                nodes: Vec::with_capacity(text.len() / 10),
                statements: Vec::with_capacity(text.len() / 256 + 1),
                action_spellings: Vec::with_capacity(text.len() / 32),
                ..SourceShape::default()
            }),
        }
    }

    pub(crate) fn read(mut self) -> Result<(PolicyDocument, Option<SourceShape>)> {
        if self.text.len() > self.limits.max_bytes {
            return Err(self.error_at(
                0,
                ParseErrorKind::TooLarge {
                    size: self.text.len(),
                    limit: self.limits.max_bytes,
                },
            ));
        }
        let doc = self.document()?;
        if !self.r.at_end() {
            let at = self.r.offset();
            return Err(self.error_at(
                at,
                ParseErrorKind::Syntax {
                    expected: "the end of the text after the policy object",
                },
            ));
        }
        Ok((doc, self.shape))
    }

    // ----- locations and errors -----

    /// The path of the value being read, as errors show it: `Statement[0].Action[1]`, a bare
    /// string read as a list not indexed. Written only for an error.
    fn json_path(&self) -> String {
        let mut out = String::new();
        for (seg, _) in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i, false) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Seg::Index(_, true) => {}
            }
        }
        out
    }

    fn error_at(&self, offset: usize, kind: ParseErrorKind) -> ParseError {
        let (line, column) = line_column(self.text, offset);
        ParseError {
            kind,
            path: self.json_path(),
            line,
            column,
        }
    }

    fn syntax(&self, e: SyntaxError) -> ParseError {
        self.error_at(
            e.offset,
            ParseErrorKind::Syntax {
                expected: e.expected,
            },
        )
    }

    fn invalid(&self, offset: usize, message: String, hint: Option<String>) -> ParseError {
        self.error_at(offset, ParseErrorKind::InvalidValue { message, hint })
    }

    /// Records the position of the value at the current path. The path is recorded as nodes
    /// of the shape's path tree, each level once, so a value costs one node and one position
    /// (or just the position, when its path was recorded before).
    #[inline]
    fn mark(&mut self, offset: usize) {
        // A plain read records nothing: the test is inlined, the recording is not.
        if self.shape.is_some() {
            self.record(offset);
        }
    }

    #[inline(never)]
    fn record(&mut self, offset: usize) {
        let Some(shape) = &mut self.shape else {
            return;
        };
        // Levels above a recorded one are recorded: start below the deepest recorded level.
        let recorded = self
            .path
            .iter()
            .rposition(|(_, node)| *node != NO_NODE)
            .map_or(0, |level| level + 1);
        let mut parent = match recorded {
            0 => NO_NODE,
            level => self.path[level - 1].1,
        };
        for (seg, node) in &mut self.path[recorded..] {
            let segment = match seg {
                Seg::Key(k) => spelling(self.text, &mut shape.decoded, k),
                Seg::Index(i, _) => PathSegment::Index(*i as u32),
            };
            // Shapes are recorded only under the default limits (1 MiB), so indexes and
            // offsets fit a u32.
            *node = shape.nodes.len() as u32;
            shape.nodes.push((parent, segment));
            parent = *node;
        }
        shape
            .nodes
            .push((parent, PathSegment::Value(offset as u32)));
    }

    /// Records the position of the value about to be read.
    fn mark_here(&mut self) {
        if self.shape.is_some() {
            self.r.peek();
            let at = self.r.offset();
            self.mark(at);
        }
    }

    fn expect(&mut self, kind: Kind, expected: &'static str) -> Result<usize> {
        let found = self.r.peek();
        let at = self.r.offset();
        if found == kind {
            Ok(at)
        } else if found == Kind::Invalid {
            Err(self.syntax(SyntaxError {
                offset: at,
                expected: "a JSON value",
            }))
        } else {
            Err(self.error_at(
                at,
                ParseErrorKind::WrongType {
                    expected,
                    found: found.describe(),
                },
            ))
        }
    }

    fn string(&mut self, expected: &'static str) -> Result<(Cow<'a, str>, usize)> {
        let at = self.expect(Kind::String, expected)?;
        let s = self.r.string().map_err(|e| self.syntax(e))?;
        Ok((s, at))
    }

    /// Reads an object, calling `member` for each key with the key pushed on the path and
    /// the keys before it. Duplicate keys are refused. `known` lists the member names the
    /// object may have (any other is refused by `member`), or is empty for open names.
    fn object(
        &mut self,
        expected: &'static str,
        known: &'static [&'static str],
        mut member: impl FnMut(&mut Self, &str, usize, &SeenKeys<'a>) -> Result<()>,
    ) -> Result<usize> {
        let at = self.expect(Kind::Object, expected)?;
        self.r.begin_object().map_err(|e| self.syntax(e))?;
        let mut seen = SeenKeys::new(known);
        let mut first = true;
        while let Some((key, key_at)) = self.r.next_key(first).map_err(|e| self.syntax(e))? {
            first = false;
            let bit = seen.bit(&key);
            if seen.contains(bit, &key) {
                return Err(self.error_at(
                    key_at,
                    ParseErrorKind::DuplicateElement {
                        name: key.into_owned(),
                    },
                ));
            }
            if seen.len() >= self.limits.max_list {
                return Err(self.error_at(
                    key_at,
                    ParseErrorKind::TooMany {
                        what: "members in one object",
                        limit: self.limits.max_list,
                    },
                ));
            }
            self.path.push((Seg::Key(key.clone()), NO_NODE));
            let result = member(self, &key, key_at, &seen);
            self.path.pop();
            result?;
            seen.push(bit, key);
        }
        Ok(at)
    }

    /// Reads one value or a list of values, calling `item` for each with its index on the path.
    fn list<T>(
        &mut self,
        what: &'static str,
        item: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<ValueList<T>> {
        if self.r.peek() != Kind::Array {
            return Ok(ValueList::new(vec![self.bare(item)?], ListForm::Compact));
        }
        // Lists in policies are short; one allocation covers the usual action list, below
        // 1 KB for lists of large values (statements): the allocator sorts its free memory
        // on every larger request.
        let mut items = Vec::with_capacity((1000 / std::mem::size_of::<T>().max(1)).clamp(1, 8));
        self.array(what, &mut items, item)?;
        Ok(ValueList::new(items, ListForm::Array))
    }

    /// Reads a value written where a list may stand, with index 0 on the path.
    fn bare<T>(&mut self, item: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.path.push((Seg::Index(0, true), NO_NODE));
        let value = item(self);
        self.path.pop();
        value
    }

    /// Reads an array, appending each value `item` reads, with its index on the path, to
    /// `items`; returns how many were read.
    fn array<T>(
        &mut self,
        what: &'static str,
        items: &mut Vec<T>,
        item: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<usize> {
        self.array_sized(what, items, item, None)
    }

    /// [`array`](Self::array); with `by_first` of `Some(most)`, `items` gets its room once
    /// the first value is read: as many values as the rest of the text holds of that value's
    /// length, at most one per 64 bytes left and `most` in all (past which reading fails
    /// anyway). For statements: they are large and a policy at the size limit holds dozens,
    /// alike more often than not, where growing by doubling copies the list several times,
    /// each a large request.
    fn array_sized<T>(
        &mut self,
        what: &'static str,
        items: &mut Vec<T>,
        mut item: impl FnMut(&mut Self) -> Result<T>,
        by_first: Option<usize>,
    ) -> Result<usize> {
        self.r.begin_array().map_err(|e| self.syntax(e))?;
        let mut count = 0;
        let mut first = true;
        while self.r.next_element(first).map_err(|e| self.syntax(e))? {
            first = false;
            if count >= self.limits.max_list {
                let at = self.r.offset();
                return Err(self.error_at(
                    at,
                    ParseErrorKind::TooMany {
                        what,
                        limit: self.limits.max_list,
                    },
                ));
            }
            if items.len() == items.capacity() && items.len() >= 8 && self.r.peek() == Kind::String
            {
                // A long list of strings (hundreds of actions): room for the values left,
                // counted by the commas before the closing `]`, at once rather than by
                // doubling, each a copy and a large request.
                let left = self.r.commas_before_close() + 1;
                items.reserve(left.min(self.limits.max_list - count));
            }
            let start = if by_first.is_some() && count == 0 {
                self.r.peek();
                self.r.offset()
            } else {
                0
            };
            self.path.push((Seg::Index(count, false), NO_NODE));
            let value = item(self);
            self.path.pop();
            let value = value?;
            if let (Some(most), 0) = (by_first, count) {
                let end = self.r.offset();
                let left = self.text.len() - end;
                // Never more room than the bytes left, however small the first value.
                let more = left / (end - start).max(64).max(std::mem::size_of::<T>());
                let most = most.min(self.limits.max_list);
                items.reserve_exact(1 + more.min(most.saturating_sub(1)));
            }
            items.push(value);
            count += 1;
        }
        Ok(count)
    }

    fn unknown(&self, at: usize, name: &str, candidates: &[&'static str]) -> ParseError {
        let suggestion = closest(name, candidates.iter().copied());
        self.error_at(
            at,
            ParseErrorKind::UnknownElement {
                name: name.to_owned(),
                suggestion,
            },
        )
    }

    // ----- the grammar -----

    fn document(&mut self) -> Result<PolicyDocument> {
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        let at = self.object("a policy object {\"Version\": ..., \"Statement\": ...}", &TOP_ELEMENTS, |this, key, key_at, _| {
            match key {
                "Version" => {
                    this.top_key(ElementName::Version);
                    let (v, at) = this.string("the string \"2012-10-17\" or \"2008-10-17\"")?;
                    this.mark(at);
                    version = Some(v.parse::<Version>().map_err(|_| {
                        this.invalid(
                            at,
                            format!("unknown policy Version \"{}\"", v.escape_debug()),
                            Some("use \"2012-10-17\" (current) or \"2008-10-17\" (legacy), or leave Version out".to_owned()),
                        )
                    })?);
                }
                "Id" => {
                    this.top_key(ElementName::Id);
                    let (v, at) = this.string("a string")?;
                    this.mark(at);
                    id = Some(PolicyId::new(v.as_ref()).map_err(|e| {
                        this.invalid(at, e.to_string(), None)
                    })?);
                }
                "Statement" => {
                    this.top_key(ElementName::Statement);
                    statements = Some(this.statements()?);
                }
                other => {
                    let mut e = this.unknown(key_at, other, &TOP_ELEMENTS);
                    if STATEMENT_ELEMENTS.contains(&other) {
                        if let ParseErrorKind::UnknownElement { suggestion, .. } = &mut e.kind {
                            *suggestion = None;
                        }
                        e.kind = ParseErrorKind::InvalidValue {
                            message: format!("\"{other}\" is a statement element, not a policy element: this looks like a single statement"),
                            hint: Some("wrap it: {\"Version\": \"2012-10-17\", \"Statement\": [ { ... } ]}".to_owned()),
                        };
                    }
                    return Err(e);
                }
            }
            Ok(())
        })?;
        let Some(statements) = statements else {
            return Err(self.error_at(at, ParseErrorKind::MissingElement { name: "Statement" }));
        };
        Ok(PolicyDocument {
            version,
            id,
            statements,
        })
    }

    fn top_key(&mut self, name: ElementName) {
        if let Some(shape) = &mut self.shape {
            shape.top_keys.put(name);
        }
    }

    /// Records that a statement uses `key`, one of an element pair such as `Action` and
    /// `NotAction`, of which a statement may hold only one; returns whether it is the negated one.
    fn claim_pair(
        &mut self,
        taken: &mut &'static str,
        key: &str,
        key_at: usize,
        pair: ElementPair,
    ) -> Result<bool> {
        let ((positive, positive_element), (negative, negative_element)) = pair;
        let negated = key == negative;
        let name = if negated { negative } else { positive };
        if !taken.is_empty() {
            return Err(self.error_at(
                key_at,
                ParseErrorKind::Conflict {
                    first: taken,
                    second: name,
                },
            ));
        }
        *taken = name;
        self.statement_key(if negated {
            negative_element
        } else {
            positive_element
        });
        Ok(negated)
    }

    fn statement_key(&mut self, name: ElementName) {
        if let Some(shape) = &mut self.shape {
            if let Some(s) = shape.statements.last_mut() {
                s.keys.put(name);
            }
        }
    }

    fn statements(&mut self) -> Result<ValueList<Statement>> {
        let kind = self.r.peek();
        if kind != Kind::Object && kind != Kind::Array {
            let at = self.r.offset();
            return Err(self.error_at(
                at,
                ParseErrorKind::WrongType {
                    expected: "a statement object or a list of them",
                    found: kind.describe(),
                },
            ));
        }
        let limit = self.limits.max_statements;
        let statement = |this: &mut Self| {
            if let Some((Seg::Index(i, _), _)) = this.path.last() {
                if *i >= limit {
                    let at = this.r.offset();
                    return Err(this.error_at(
                        at,
                        ParseErrorKind::TooMany {
                            what: "statements",
                            limit,
                        },
                    ));
                }
            }
            this.statement()
        };
        if old_paths() {
            return self.list("statements", statement);
        }
        if kind == Kind::Object {
            return Ok(ValueList::new(
                vec![self.bare(statement)?],
                ListForm::Compact,
            ));
        }
        let mut items = Vec::new();
        self.array_sized("statements", &mut items, statement, Some(limit))?;
        Ok(ValueList::new(items, ListForm::Array))
    }

    fn statement(&mut self) -> Result<Statement> {
        if let Some(shape) = &mut self.shape {
            let at = |n: usize| (n as u32, n as u32);
            shape.statements.push(StatementShape {
                keys: Slots::default(),
                principal_keys: Slots::default(),
                action_spellings: at(shape.action_spellings.len()),
            });
        }
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<PrincipalElement> = None;
        let mut action: Option<ActionElement> = None;
        let mut resource: Option<ResourceElement> = None;
        let mut condition = Conditions::new();
        let mut principal_key: &'static str = "";
        let mut action_key: &'static str = "";
        let mut resource_key: &'static str = "";
        let at = self.object(
            "a statement object",
            &STATEMENT_ELEMENTS,
            |this, key, key_at, _| {
                match key {
                    "Sid" => {
                        this.statement_key(ElementName::Sid);
                        let (v, at) = this.string("a string")?;
                        this.mark(at);
                        if v.is_empty() {
                            sid = Some(Sid::empty());
                        } else if plain_sid(&v) {
                            sid = Some(Sid::from_checked(&v));
                        } else {
                            sid = Some(Sid::new(v.as_ref()).map_err(|e| {
                                this.invalid(
                                at,
                                e.to_string(),
                                Some(
                                    "ECR accepts printable ASCII without '\"', 1 to 128 characters"
                                        .to_owned(),
                                ),
                            )
                            })?);
                        }
                    }
                    "Effect" => {
                        this.statement_key(ElementName::Effect);
                        let (v, at) = this.string("the string \"Allow\" or \"Deny\"")?;
                        this.mark(at);
                        effect =
                            Some(match v.as_ref() {
                                "Allow" => Effect::Allow,
                                "Deny" => Effect::Deny,
                                other => {
                                    let hint = closest(other, ["Allow", "Deny"]).map_or_else(
                                || "write \"Allow\" or \"Deny\"".to_owned(),
                                |s| format!("write \"{s}\" (values of Effect are case-sensitive)"),
                            );
                                    return Err(this.invalid(
                                        at,
                                        format!(
                                            "Effect must be \"Allow\" or \"Deny\", not \"{}\"",
                                            other.escape_debug()
                                        ),
                                        Some(hint),
                                    ));
                                }
                            });
                    }
                    "Principal" | "NotPrincipal" => {
                        this.mark_here();
                        let negated =
                            this.claim_pair(&mut principal_key, key, key_at, PRINCIPAL_PAIR)?;
                        let mut p = this.principal()?;
                        p.negated = negated;
                        principal = Some(p);
                    }
                    "Action" | "NotAction" => {
                        this.mark_here();
                        let negated = this.claim_pair(&mut action_key, key, key_at, ACTION_PAIR)?;
                        let actions = this.list("actions", Self::action)?;
                        action = Some(ActionElement { negated, actions });
                    }
                    "Resource" | "NotResource" => {
                        let negated =
                            this.claim_pair(&mut resource_key, key, key_at, RESOURCE_PAIR)?;
                        let at = this.r.offset();
                        this.mark(at);
                        let resources = this.list("resources", |this| {
                            let (v, at) = this.string("a resource ARN string")?;
                            this.mark(at);
                            Ok(v.into_owned())
                        })?;
                        resource = Some(ResourceElement { negated, resources });
                    }
                    "Condition" => {
                        this.mark_here();
                        this.statement_key(ElementName::Condition);
                        condition = this.condition()?;
                    }
                    other => return Err(this.unknown(key_at, other, &STATEMENT_ELEMENTS)),
                }
                Ok(())
            },
        )?;
        self.mark(at);
        let Some(effect) = effect else {
            return Err(self.error_at(at, ParseErrorKind::MissingElement { name: "Effect" }));
        };
        Ok(Statement {
            sid,
            effect,
            principal,
            action,
            resource,
            condition,
        })
    }

    fn principal(&mut self) -> Result<PrincipalElement> {
        match self.r.peek() {
            Kind::String => {
                let (v, at) = self.string("")?;
                self.mark(at);
                if v == "*" {
                    return Ok(PrincipalElement {
                        negated: false,
                        principals: ValueList::new(vec![Principal::Anyone], ListForm::Compact),
                        empty_keys: Vec::new(),
                    });
                }
                return Err(self.invalid(
                    at,
                    format!("a Principal string can only be \"*\", not \"{}\"", v.escape_debug()),
                    Some(format!(
                        "name the principal by its kind: {{\"AWS\": \"{}\"}} (or \"Service\" for a service principal)",
                        v.escape_debug()
                    )),
                ));
            }
            Kind::Object => {}
            other => {
                let at = self.r.offset();
                return Err(self.error_at(
                    at,
                    ParseErrorKind::WrongType {
                        expected: "\"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}",
                        found: other.describe(),
                    },
                ));
            }
        }
        let mut principals = Vec::with_capacity(2);
        let mut empty_keys = Vec::new();
        let mut all_bare = true;
        self.object("", &PRINCIPAL_KEYS, |this, key, key_at, _| {
            let pk = match key {
                "AWS" => PrincipalKey::Aws,
                "Service" => PrincipalKey::Service,
                "Federated" => PrincipalKey::Federated,
                "CanonicalUser" => PrincipalKey::CanonicalUser,
                other => return Err(this.unknown(key_at, other, &PRINCIPAL_KEYS)),
            };
            let value = |this: &mut Self| {
                let (v, at) = this.string("a principal string")?;
                this.mark(at);
                this.principal_value(pk, v, at)
            };
            // Straight into the statement's list: no list per key.
            let (bare, count) = if this.r.peek() == Kind::Array {
                if !old_paths() {
                    // Room for the values at once, counted by the commas before the closing
                    // `]` (more when a value holds one, never more than the bytes left could
                    // hold): a long list of accounts is not grown by doubling, each growth a
                    // request whose cost depends on the memory the allocator has free.
                    let left = this.text.len() - this.r.offset();
                    let room = (this.r.commas_before_close() + 1)
                        .min(left / 4)
                        .min(this.limits.max_list);
                    principals.reserve(room);
                }
                (false, this.array("principals", &mut principals, value)?)
            } else {
                principals.push(this.bare(value)?);
                (true, 1)
            };
            // An empty list says nothing about how the other keys are written.
            all_bare &= bare || count != 1;
            if let Some(shape) = this.shape.as_mut() {
                if let Some(s) = shape.statements.last_mut() {
                    s.principal_keys.put((pk, bare));
                }
            }
            if count == 0 {
                empty_keys.push(pk);
            }
            Ok(())
        })?;
        Ok(PrincipalElement {
            negated: false,
            empty_keys,
            principals: ValueList::new(
                principals,
                if all_bare {
                    ListForm::Compact
                } else {
                    ListForm::Array
                },
            ),
        })
    }

    fn principal_value(&self, key: PrincipalKey, v: Cow<'a, str>, at: usize) -> Result<Principal> {
        match key {
            PrincipalKey::Aws => aws_principal(&v)
                .map(Principal::Aws)
                .map_err(|(message, hint)| self.invalid(at, message, hint)),
            PrincipalKey::Service => ServiceName::new(v.as_ref())
                .map(Principal::Service)
                .map_err(|e| {
                    self.invalid(
                        at,
                        e.to_string(),
                        Some(
                            "a service principal looks like \"codebuild.amazonaws.com\"".to_owned(),
                        ),
                    )
                }),
            PrincipalKey::Federated => Ok(Principal::Federated(v.into_owned())),
            PrincipalKey::CanonicalUser => Ok(Principal::CanonicalUser(v.into_owned())),
        }
    }

    fn action(&mut self) -> Result<ActionItem> {
        let (v, at) = self.string("an action string such as \"ecr:BatchGetImage\"")?;
        self.mark(at);
        let item = ActionItem::parse(&v);
        // A catalogue action is well-formed by definition, and so is a pattern: its rules
        // (`*`, or a service of a-z, 0-9 and - and a name of letters, digits, `*` and `?`) are
        // narrower than those of the action text. Check the text of anything else.
        let known = matches!(
            item,
            ActionItem::Ecr(_) | ActionItem::Public(_) | ActionItem::Pattern(_)
        );
        let checked = if known {
            Ok(())
        } else {
            checks::check_action_text(&v)
        };
        if let Err(e) = checked {
            let hint = if !v.contains(':') && !v.is_empty() {
                let guess = format!("ecr:{v}");
                Some(match checks::classify_action(&guess) {
                    checks::ActionCheck::Unknown { .. } | checks::ActionCheck::OtherService => {
                        "prefix the action with its service, e.g. \"ecr:BatchGetImage\"".to_owned()
                    }
                    _ => format!("did you mean \"ecr:{v}\"? actions need their service prefix"),
                })
            } else {
                None
            };
            return Err(self.invalid(at, e.to_string(), hint));
        }
        if let Some(shape) = self.shape.as_mut() {
            if let Some(s) = shape.statements.last_mut() {
                let spelt = spelling(self.text, &mut shape.decoded, &v);
                shape.action_spellings.push(spelt);
                s.action_spellings.1 = shape.action_spellings.len() as u32;
            }
        }
        Ok(item)
    }

    fn condition(&mut self) -> Result<Conditions> {
        let mut conditions = Conditions::new();
        self.object(
            "a condition object {\"Operator\": {\"key\": value}}",
            &[],
            |this, op_text, op_at, _| {
                let operator: ConditionOperator =
                    op_text
                        .parse()
                        .map_err(|e: policy_catalogue::InvalidConditionOperator| {
                            // The message already names the likely operator.
                            this.invalid(op_at, e.to_string(), None)
                        })?;
                this.mark(op_at);
                // AWS compares condition keys ignoring case, so two spellings of one key in an
                // operator are the same key twice (the reader refuses the same spelling twice).
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
                this.object(
                    "an object of condition keys and values",
                    &[],
                    |this, key, key_at, before| {
                        if let Some(first) = before.names().find(|k| k.eq_ignore_ascii_case(key)) {
                            return Err(this.invalid(
                                key_at,
                                format!(
                                    "condition key \"{}\" repeats \"{}\" in {op_text}: AWS compares condition keys ignoring case",
                                    key.escape_debug(),
                                    first.escape_debug()
                                ),
                                Some(
                                    "write the key once, with its values in one list".to_owned(),
                                ),
                            ));
                        }
                        let key = if plain_condition_key(key) {
                            ConditionKey::from_checked(key)
                        } else {
                            ConditionKey::new(key).map_err(|e| {
                            this.invalid(
                                key_at,
                                e.to_string(),
                                Some("condition keys look like \"aws:SourceAccount\"".to_owned()),
                            )
                            })?
                        };
                        this.mark(key_at);
                        let values = this.list("condition values", Self::condition_value)?;
                        conditions.push(Condition {
                            operator,
                            key,
                            values,
                        });
                        Ok(())
                    },
                )?;
                Ok(())
            },
        )?;
        Ok(conditions)
    }

    fn condition_value(&mut self) -> Result<ConditionValue> {
        let kind = self.r.peek();
        let at = self.r.offset();
        let value = match kind {
            Kind::String => ConditionValue::String(Cow::Owned(
                self.r.string().map_err(|e| self.syntax(e))?.into_owned(),
            )),
            Kind::Bool => ConditionValue::Bool(self.r.boolean().map_err(|e| self.syntax(e))?),
            Kind::Number => {
                ConditionValue::Number(self.r.number().map_err(|e| self.syntax(e))?.to_owned())
            }
            Kind::Invalid => {
                return Err(self.syntax(SyntaxError {
                    offset: self.r.offset(),
                    expected: "a JSON value",
                }))
            }
            other => {
                return Err(self.error_at(
                    self.r.offset(),
                    ParseErrorKind::WrongType {
                        expected: "a string, number or boolean",
                        found: other.describe(),
                    },
                ))
            }
        };
        self.mark(at);
        Ok(value)
    }
}

#[cfg(test)]
thread_local! {
    /// Whether this thread reads by the paths the faster ones replaced, to compare them.
    static OLD_PATHS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether to read by the replaced paths: only ever in tests, as their reference.
#[inline]
fn old_paths() -> bool {
    #[cfg(test)]
    {
        OLD_PATHS.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        false
    }
}

/// Reads the value of an `AWS` principal: `"*"`, an account id, a root, user, role or
/// assumed-role ARN, another IAM or STS ARN without wildcards, or a unique id (`AIDA...`).
pub(crate) fn aws_principal(
    v: &str,
) -> std::result::Result<AwsPrincipal, (String, Option<String>)> {
    if v == "*" {
        return Ok(AwsPrincipal::Everyone);
    }
    if let Ok(p) = AwsPrincipal::from_arn(v) {
        return Ok(p);
    }
    let shown = v.escape_debug();
    if v.bytes().all(|b| b.is_ascii_digit()) && !v.is_empty() {
        return Err((
            format!(
                "account id \"{shown}\" has {} digits, AWS account ids have 12",
                v.len()
            ),
            Some("write the 12-digit account id, leading zeros included".to_owned()),
        ));
    }
    if let Some(rest) = v.strip_prefix("arn:") {
        let fields: Vec<&str> = rest.splitn(5, ':').collect();
        if v.contains(['*', '?']) {
            return Err((
                format!("principal ARN \"{shown}\" contains a wildcard; only the whole principal can be \"*\""),
                Some("name the account or role exactly, or use \"*\" with a condition such as aws:PrincipalArn (ArnLike)".to_owned()),
            ));
        }
        if let [partition, service, "", account, resource] = fields.as_slice() {
            if crate::model::names::Partition::ALL
                .iter()
                .any(|p| p.as_str() == *partition)
                && matches!(*service, "iam" | "sts")
                && policy_catalogue::check_account_id(account).is_ok()
                && !resource.is_empty()
            {
                // Other IAM principals (federated users, unusual paths): kept as written.
                return Ok(AwsPrincipal::Other(v.to_owned()));
            }
            if policy_catalogue::check_account_id(account).is_err() {
                return Err((
                    format!("principal ARN \"{shown}\" has account \"{}\"; AWS account ids have 12 digits", account.escape_debug()),
                    Some("write the 12-digit account id, leading zeros included".to_owned()),
                ));
            }
        }
        return Err((
            format!("\"{shown}\" is not an IAM principal ARN"),
            Some("use arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION".to_owned()),
        ));
    }
    if is_unique_id(v) {
        return Ok(AwsPrincipal::Other(v.to_owned()));
    }
    Err((
        format!("\"{shown}\" is not an AWS principal"),
        Some(
            "use \"*\", a 12-digit account id, or an IAM user, role or account root ARN".to_owned(),
        ),
    ))
}

/// Whether `v` meets the rule of Sids ([`policy_catalogue::rules::check_sid`]: 1 to 128
/// printable ASCII characters other than `"`), in one pass of byte comparisons. Only a yes is
/// final: the rule itself checks, and explains, anything else.
fn plain_sid(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"')
}

/// Whether `key` meets the rule of condition keys
/// ([`policy_catalogue::rules::check_condition_key`]: `service:name`, at most 256
/// characters without white space, the service of ASCII letters, digits and `-`, neither part
/// empty) in its usual form, printable ASCII without spaces, in one pass of byte comparisons.
/// Only a yes is final: the rule itself checks, and explains, anything else.
fn plain_condition_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let service = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or(bytes.len());
    key.len() <= 256
        && service > 0
        && bytes.get(service) == Some(&b':')
        && service + 1 < bytes.len()
        && bytes.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

/// An IAM unique id (`AIDA...` user, `AROA...` role, ...): what AWS shows once a principal a
/// policy names is deleted (ECR-FACTS section 4).
fn is_unique_id(v: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ASIA", "AKIA", "AGPA",
    ];
    (16..=128).contains(&v.len())
        && PREFIXES.iter().any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The member names of one object, to refuse repeated ones. The names of the fixed
/// objects (policy, statement, principal) are bits of a mask; an object of open names
/// (condition operators and keys) keeps its names: the first few borrowed from the text in
/// place, so that the usual condition (one operator, one or two keys) allocates nothing for
/// them, the rest (and names with escapes) in a list.
struct SeenKeys<'a> {
    known: &'static [&'static str],
    mask: u32,
    count: usize,
    borrowed: usize,
    inline: [&'a str; INLINE_NAMES],
    others: Vec<Cow<'a, str>>,
}

const INLINE_NAMES: usize = 4;

impl<'a> SeenKeys<'a> {
    fn new(known: &'static [&'static str]) -> Self {
        debug_assert!(known.len() <= 32);
        SeenKeys {
            known,
            mask: 0,
            count: 0,
            borrowed: 0,
            inline: [""; INLINE_NAMES],
            others: Vec::new(),
        }
    }

    /// The bit of a fixed name; the length and first byte rule out the others before any
    /// comparison of the whole name.
    fn bit(&self, key: &str) -> Option<u32> {
        let first = *key.as_bytes().first()?;
        self.known
            .iter()
            .position(|k| k.len() == key.len() && k.as_bytes()[0] == first && *k == key)
            .map(|i| 1 << i)
    }

    fn contains(&self, bit: Option<u32>, key: &str) -> bool {
        match bit {
            Some(bit) => self.mask & bit != 0,
            None => self.names().any(|k| k == key),
        }
    }

    fn len(&self) -> usize {
        self.count
    }

    /// The open names seen so far. Not in the order they came when some had escapes; no
    /// caller needs the order (of the names seen, at most one is any given name ignoring
    /// case, or the object would have been refused at the second).
    fn names(&self) -> impl Iterator<Item = &str> {
        self.inline[..self.borrowed]
            .iter()
            .copied()
            .chain(self.others.iter().map(AsRef::as_ref))
    }

    fn push(&mut self, bit: Option<u32>, key: Cow<'a, str>) {
        match (bit, key) {
            (Some(bit), _) => self.mask |= bit,
            (None, Cow::Borrowed(name)) if self.borrowed < INLINE_NAMES => {
                self.inline[self.borrowed] = name;
                self.borrowed += 1;
            }
            (None, key) => self.others.push(key),
        }
        self.count += 1;
    }
}

/// A key or action spelling as the shape records it: its byte range in the text when it
/// stands there (borrowed, unescaped), else its decoded text appended to `decoded`.
fn spelling(text: &str, decoded: &mut String, s: &str) -> PathSegment {
    let range = text.as_bytes().as_ptr_range();
    if range.contains(&s.as_ptr()) {
        let at = s.as_ptr() as usize - range.start as usize;
        PathSegment::Span(at as u32, (at + s.len()) as u32)
    } else {
        let start = decoded.len() as u32;
        decoded.push_str(s);
        PathSegment::Decoded(start, decoded.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_catalogue::rules;

    /// Texts around the rules' edges: every byte in every place, lengths at the limits, colons
    /// and services of every shape.
    fn texts() -> Vec<String> {
        let mut out = Vec::new();
        for c in (0u8..0x80)
            .map(char::from)
            .chain(['é', '\u{a0}', '\u{2003}'])
        {
            for base in [
                "AllowPull",
                "aws:SourceAccount",
                "ecr-x:k",
                ":k",
                "aws:",
                "a",
            ] {
                for at in 0..=base.len() {
                    let mut t = base.to_owned();
                    t.insert(at, c);
                    out.push(t);
                }
            }
        }
        for n in [127, 128, 129, 255, 256, 257] {
            out.push("a".repeat(n));
            out.push(format!("aws:{}", "k".repeat(n - 4)));
        }
        out.extend(["", ":", "aws::", "a:b:c", "-:x", "aws:Source Account"].map(String::from));
        out
    }

    /// The shared corpus (`ECR_POLICY_CORPUS`, else `../shared/corpus`) and the repository's
    /// test policies, as texts.
    fn corpus() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs = vec![
            root.join("tests/findings"),
            root.join("tests/corpus"),
            std::env::var_os("ECR_POLICY_CORPUS")
                .map_or_else(|| root.join("../shared/corpus"), Into::into),
        ];
        let mut out = Vec::new();
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.flatten().map(|e| e.path()) {
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.extend(std::fs::read_to_string(&path).ok());
                }
            }
        }
        out.sort();
        out
    }

    type Read = Result<(PolicyDocument, Option<SourceShape>)>;

    /// The text read by the current paths and by the replaced ones, with and without its
    /// shape.
    fn both(text: &str, limits: &Limits) -> [(Read, Read); 2] {
        [false, true].map(|shape| {
            let read = |old: bool| {
                OLD_PATHS.with(|o| o.set(old));
                let r = DocumentReader::new(text, *limits, shape).read();
                OLD_PATHS.with(|o| o.set(false));
                r
            };
            (read(false), read(true))
        })
    }

    fn same(text: &str, limits: &Limits) -> bool {
        let mut ok = false;
        for (new, old) in both(text, limits) {
            match (&new, &old) {
                (Ok((a, sa)), Ok((b, sb))) => {
                    assert_eq!(a, b, "{text}");
                    assert_eq!(sa, sb, "{text}");
                    ok = true;
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{text}"),
                _ => panic!("{text}: {:?} against {:?}", new.is_ok(), old.is_ok()),
            }
        }
        ok
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// The corpus, policies joined into lists of many statements, and random edits of both
    /// (escapes, text beyond ASCII, repeated keys, truncations and stray bytes) read alike by
    /// the current and the replaced paths: the same values, shapes, errors and positions.
    #[test]
    fn the_reader_reads_as_the_replaced_paths_did() {
        let texts = corpus();
        assert!(texts.len() > 60, "only {} policies", texts.len());
        let limits = Limits::default();
        let mut read = 0;
        for t in &texts {
            read += usize::from(same(t, &limits));
        }
        assert!(read > 50, "only {read} read");
        // Statements of several policies in one list, as rendered.
        let docs: Vec<PolicyDocument> = texts
            .iter()
            .filter_map(|t| PolicyDocument::from_json(t).ok())
            .collect();
        let mut rng = Rng(0x2026_1202_5eed);
        let mut joined = Vec::new();
        for _ in 0..200 {
            let mut doc = docs[rng.below(docs.len())].clone();
            for _ in 0..rng.below(60) {
                let other = &docs[rng.below(docs.len())];
                for s in other.statements.iter() {
                    doc.statements.push(s.clone());
                }
            }
            joined.push(doc.to_json());
        }
        for t in &joined {
            assert!(same(t, &limits), "{t}");
        }
        // Edits, and tight limits.
        let edits: [&str; 17] = [
            r"\\",
            r#"\""#,
            r"\u00e9",
            r"\ud83d\ude00",
            r"\ud800",
            r"\x",
            "é",
            "😀",
            ",",
            "]",
            "}",
            "\"",
            r#""Effect":"Allow","#,
            r#""Sid":"x","#,
            "\u{1}",
            " ",
            r#""a":1,"#,
        ];
        let all: Vec<&String> = texts.iter().chain(&joined).collect();
        for _ in 0..4000 {
            let t = all[rng.below(all.len())];
            let mut at = rng.below(t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            let edited = match rng.below(3) {
                0 => format!("{}{}{}", &t[..at], edits[rng.below(edits.len())], &t[at..]),
                1 => t[..at].to_owned(),
                _ => {
                    let mut end = (at + 1 + rng.below(12)).min(t.len());
                    while !t.is_char_boundary(end) {
                        end += 1;
                    }
                    format!("{}{}", &t[..at], &t[end..])
                }
            };
            same(&edited, &limits);
            let tight = Limits {
                max_statements: 1 + rng.below(4),
                max_list: 1 + rng.below(6),
                ..Limits::default()
            };
            same(&edited, &tight);
        }
    }

    #[test]
    fn the_plain_checks_say_yes_only_where_the_rules_do() {
        let (mut sids, mut keys) = (0, 0);
        for t in texts() {
            if plain_sid(&t) {
                sids += 1;
                assert!(rules::check_sid(&t).is_ok(), "Sid {t:?}");
            }
            if plain_condition_key(&t) {
                keys += 1;
                assert!(
                    rules::check_condition_key(&t).is_ok(),
                    "condition key {t:?}"
                );
            }
        }
        // The usual forms take the plain path.
        assert!(plain_sid("AllowPushPull") && plain_sid("new statement"));
        assert!(
            plain_condition_key("aws:SourceAccount") && plain_condition_key("ecr:ResourceTag/team")
        );
        assert!(sids > 500 && keys > 100, "{sids} {keys}");
    }
}
