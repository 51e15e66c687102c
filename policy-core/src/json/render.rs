//! Serialisation to JSON: compact, pretty, and the exact text AWS hands back.

use std::io;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::json::parse::Reader;
use crate::model::action::ActionItem;
use crate::model::condition::{ConditionValue, Conditions};
use crate::model::document::PolicyDocument;
use crate::model::kinds::{AnyPolicy, IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
use crate::model::list::{ListForm, ValueList};
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal, PrincipalKey};
use crate::model::statement::{PrincipalElement, Statement};

/// How a document is written: as built, or as AWS stores it.
#[derive(Clone, Copy)]
struct Style {
    /// Write bare account ids as root ARNs, as AWS does when it stores a policy.
    aws: bool,
}

struct Styled<'a, T: ?Sized> {
    value: &'a T,
    style: Style,
}

fn styled<T: ?Sized>(value: &T, style: Style) -> Styled<'_, T> {
    Styled { value, style }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        styled(self, Style { aws: false }).serialize(serializer)
    }
}

impl Serialize for RepositoryPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.document().serialize(serializer)
    }
}

macro_rules! kind_serialize {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.document().serialize(serializer)
            }
        }
    )*};
}

kind_serialize!(
    RegistryPolicy,
    PublicRepositoryPolicy,
    IdentityPolicy,
    AnyPolicy
);

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        styled(self, Style { aws: false }).serialize(serializer)
    }
}

impl Serialize for Styled<'_, PolicyDocument> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let doc = self.value;
        let len = 1 + usize::from(doc.version.is_some()) + usize::from(doc.id.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        if let Some(v) = doc.version {
            map.serialize_entry("Version", v.as_str())?;
        }
        if let Some(id) = &doc.id {
            map.serialize_entry("Id", id.as_str())?;
        }
        if doc.statements.is_written_bare() {
            map.serialize_entry("Statement", &styled(&doc.statements[0], self.style))?;
        } else {
            map.serialize_entry("Statement", &StatementList(&doc.statements, self.style))?;
        }
        map.end()
    }
}

struct StatementList<'a>(&'a ValueList<Statement>, Style);

impl Serialize for StatementList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for s in self.0.iter() {
            seq.serialize_element(&styled(s, self.1))?;
        }
        seq.end()
    }
}

impl Serialize for Styled<'_, Statement> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.value;
        let mut map = serializer.serialize_map(None)?;
        if let Some(sid) = &s.sid {
            map.serialize_entry("Sid", sid.as_str())?;
        }
        map.serialize_entry("Effect", s.effect.as_str())?;
        if let Some(p) = &s.principal {
            let key = if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            map.serialize_entry(key, &styled(p, self.style))?;
        }
        if let Some(a) = &s.action {
            let key = if a.negated { "NotAction" } else { "Action" };
            map.serialize_entry(key, &Texts(&a.actions, ActionItem::as_str))?;
        }
        if let Some(r) = &s.resource {
            let key = if r.negated { "NotResource" } else { "Resource" };
            map.serialize_entry(key, &Texts(&r.resources, String::as_str))?;
        }
        if !s.condition.is_empty() {
            map.serialize_entry("Condition", &ConditionBlock(&s.condition))?;
        }
        map.end()
    }
}

/// A list of values written through a text accessor, bare when the list form says so.
struct Texts<'a, T, F>(&'a ValueList<T>, F);

impl<T, F: Fn(&T) -> &str> Serialize for Texts<'_, T, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_written_bare() {
            return serializer.serialize_str((self.1)(&self.0[0]));
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for v in self.0.iter() {
            seq.serialize_element((self.1)(v))?;
        }
        seq.end()
    }
}

impl Serialize for Styled<'_, PrincipalElement> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.value;
        if p.is_anyone() {
            return serializer.serialize_str("*");
        }
        // One pass to count the principals under each key, in `PrincipalKey::ALL` order.
        let mut counts = [0usize; PrincipalKey::ALL.len()];
        for principal in p.principals.iter() {
            if let Some(key) = principal.key() {
                counts[key as usize] += 1;
            }
        }
        let mut map = serializer.serialize_map(None)?;
        for (key, count) in PrincipalKey::ALL.into_iter().zip(counts) {
            if count == 0 && !p.empty_keys.contains(&key) {
                continue;
            }
            map.serialize_entry(
                key.as_str(),
                &PrincipalValues {
                    element: p,
                    key,
                    count,
                    style: self.style,
                },
            )?;
        }
        map.end()
    }
}

struct PrincipalValues<'a> {
    element: &'a PrincipalElement,
    key: PrincipalKey,
    count: usize,
    style: Style,
}

impl Serialize for PrincipalValues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bare = self.count == 1 && self.element.principals.form() == ListForm::Compact;
        if bare {
            if let Some(p) = self.element.with_key(self.key).next() {
                return PrincipalText(p, self.style).serialize(serializer);
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.count))?;
        for p in self.element.with_key(self.key) {
            seq.serialize_element(&PrincipalText(p, self.style))?;
        }
        seq.end()
    }
}

struct PrincipalText<'a>(&'a Principal, Style);

impl Serialize for PrincipalText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let aws = match self.0 {
            Principal::Anyone => return serializer.serialize_str("*"),
            Principal::Service(s) => return serializer.serialize_str(s.as_str()),
            Principal::Federated(s) | Principal::CanonicalUser(s) => {
                return serializer.serialize_str(s)
            }
            Principal::Aws(aws) => aws,
        };
        // ARNs are assembled from their parts on a stack buffer: this is the hot path of
        // rendering, and going through `fmt` costs more than the copying.
        let mut buf = ArnBuf::new();
        let written = match aws {
            AwsPrincipal::Everyone => return serializer.serialize_str("*"),
            AwsPrincipal::Other(text) => return serializer.serialize_str(text),
            AwsPrincipal::Account {
                account,
                bare: true,
                ..
            } if !self.1.aws => return serializer.serialize_str(account.as_str()),
            AwsPrincipal::Account {
                partition, account, ..
            } => buf.push_all(&[
                "arn:",
                partition.as_str(),
                ":iam::",
                account.as_str(),
                ":root",
            ]),
            AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            } => buf.push_all(&[
                "arn:",
                partition.as_str(),
                ":iam::",
                account.as_str(),
                ":user",
                path.as_str(),
                name.as_str(),
            ]),
            AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            } => buf.push_all(&[
                "arn:",
                partition.as_str(),
                ":iam::",
                account.as_str(),
                ":role",
                path.as_str(),
                name.as_str(),
            ]),
            AwsPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            } => buf.push_all(&[
                "arn:",
                partition.as_str(),
                ":sts::",
                account.as_str(),
                ":assumed-role/",
                role.as_str(),
                "/",
                session.as_str(),
            ]),
        };
        match written.then(|| buf.as_str()).flatten() {
            Some(text) => serializer.serialize_str(text),
            // Longer than the buffer (deep IAM paths): format it instead.
            None => serializer.collect_str(aws),
        }
    }
}

/// A fixed buffer for principal ARNs and operator names; long enough for every ARN without a
/// deep path.
struct ArnBuf {
    bytes: [u8; 256],
    len: usize,
}

impl ArnBuf {
    fn new() -> Self {
        ArnBuf {
            bytes: [0; 256],
            len: 0,
        }
    }

    /// Appends every part, or returns false when they do not fit.
    fn push_all(&mut self, parts: &[&str]) -> bool {
        for part in parts {
            let end = self.len + part.len();
            let Some(dest) = self.bytes.get_mut(self.len..end) else {
                return false;
            };
            dest.copy_from_slice(part.as_bytes());
            self.len = end;
        }
        true
    }

    #[allow(unsafe_code)]
    fn as_str(&self) -> Option<&str> {
        let bytes = self.bytes.get(..self.len)?;
        // SAFETY: `push_all` only ever appends whole `&str` values, so the bytes up to `len`
        // are a concatenation of valid UTF-8 strings, which is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

struct ConditionBlock<'a>(&'a Conditions);

impl Serialize for ConditionBlock<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tests = self.0.tests();
        let mut map = serializer.serialize_map(None)?;
        // Operators in order of first appearance; blocks are small, so rescanning beats allocating.
        for (i, t) in tests.iter().enumerate() {
            if tests[..i]
                .iter()
                .any(|earlier| earlier.operator == t.operator)
            {
                continue;
            }
            let mut buf = ArnBuf::new();
            let qualifier = t.operator.qualifier.map_or("", |q| q.as_str());
            let (colon, if_exists) = (
                if qualifier.is_empty() { "" } else { ":" },
                if t.operator.if_exists { "IfExists" } else { "" },
            );
            if buf.push_all(&[qualifier, colon, t.operator.operator.as_str(), if_exists]) {
                map.serialize_key(buf.as_str().unwrap_or_default())?;
            } else {
                map.serialize_key(&format_args!("{}", t.operator))?;
            }
            map.serialize_value(&KeyValues(&tests[i..], t.operator))?;
        }
        map.end()
    }
}

/// The keys and values of one operator, from the tests that follow its first appearance.
struct KeyValues<'a>(
    &'a [crate::model::condition::Condition],
    policy_catalogue::ConditionOperator,
);

impl Serialize for KeyValues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for t in self.0.iter().filter(|t| t.operator == self.1) {
            map.serialize_key(t.key.as_str())?;
            map.serialize_value(&Values(&t.values))?;
        }
        map.end()
    }
}

struct Values<'a>(&'a ValueList<ConditionValue>);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_written_bare() {
            return self.0[0].serialize(serializer);
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for v in self.0.iter() {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

impl Serialize for ConditionValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ConditionValue::String(s) => serializer.serialize_str(s),
            ConditionValue::Bool(b) => serializer.serialize_bool(*b),
            // The number's own text, so that `1E5`, integers past 64 bits and `1e-400` are
            // written as they were read; text that is not a JSON number is written as a string.
            ConditionValue::Number(n) if Reader::is_number(n) => {
                match serde_json::value::RawValue::from_string(n.clone()) {
                    Ok(raw) => raw.serialize(serializer),
                    Err(_) => serializer.serialize_str(n),
                }
            }
            ConditionValue::Number(n) => serializer.serialize_str(n),
        }
    }
}

/// Writes `doc` with `formatter` into a buffer sized for typical statements, so that long
/// policies are not copied over and over as the buffer grows.
#[allow(unsafe_code)]
fn write<F: serde_json::ser::Formatter>(
    doc: &PolicyDocument,
    style: Style,
    per_statement: usize,
    formatter: F,
) -> String {
    let mut out = Vec::with_capacity(64 + per_statement * doc.statements.len());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serialising the model cannot fail: every map key is a string and no value reports an
    // error. The empty string is never returned.
    if styled(doc, style).serialize(&mut ser).is_err() {
        return String::new();
    }
    // SAFETY: serde_json writes only UTF-8: every string it writes comes from a `&str`
    // (escaped or copied whole), numbers and punctuation are ASCII, and the three formatters
    // used here write only ASCII. serde_json's own `to_string` relies on the same fact.
    unsafe { String::from_utf8_unchecked(out) }
}

impl PolicyDocument {
    /// Compact JSON, keys in the order AWS returns them.
    #[must_use]
    pub fn to_json(&self) -> String {
        to_json(self)
    }

    /// JSON indented by two spaces.
    #[must_use]
    pub fn to_json_pretty(&self) -> String {
        to_json_pretty(self)
    }

    /// The text AWS returns for this document (see [`RepositoryPolicy::to_aws_json`](crate::model::policy::RepositoryPolicy::to_aws_json)).
    #[must_use]
    pub fn to_aws_json(&self) -> String {
        to_aws_json(self)
    }
}

impl RepositoryPolicy {
    /// Compact JSON, the text to send to `SetRepositoryPolicy`.
    ///
    /// Keys come in the order AWS returns them: `Version`, `Id`, `Statement`; inside a statement
    /// `Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`.
    #[must_use]
    pub fn to_json(&self) -> String {
        self.document().to_json()
    }

    /// JSON indented by two spaces, one array value per line.
    #[must_use]
    pub fn to_json_pretty(&self) -> String {
        self.document().to_json_pretty()
    }

    /// Byte for byte the `policyText` that `GetRepositoryPolicy` returns for this policy.
    ///
    /// AWS re-serialises a stored policy in the style of Jackson's default pretty printer:
    /// `"Key" : value`, two spaces per object level, arrays inline (`[ "a", "b" ]`, and
    /// `[ {` ... `}, {` ... `} ]` for statements), no trailing newline; a bare account id
    /// principal comes back as its root ARN.
    ///
    /// ```
    /// use policy_core::{Action, RepositoryPolicy, StatementBuilder};
    /// use policy_core::model::Principal;
    ///
    /// let policy = RepositoryPolicy::builder()
    ///     .statement(
    ///         StatementBuilder::allow()
    ///             .sid("AllowPull".parse()?)
    ///             .anyone()
    ///             .action(Action::BatchGetImage)
    ///             .action(Action::GetDownloadUrlForLayer),
    ///     )
    ///     .build()?.into_policy()?;
    /// assert_eq!(
    ///     policy.to_aws_json(),
    ///     "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"AllowPull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : [ \"ecr:GetDownloadUrlForLayer\", \"ecr:BatchGetImage\" ]\n  } ]\n}"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_aws_json(&self) -> String {
        self.document().to_aws_json()
    }
}

/// `to_json`, `to_json_pretty` and `to_aws_json` for a policy kind, through its document.
macro_rules! kind_json {
    ($ty:ty, $set:literal, $aws:literal) => {
        impl $ty {
            #[doc = concat!("Compact JSON, the text to send to `", $set, "`; keys in the order AWS returns them.")]
            #[must_use]
            pub fn to_json(&self) -> String {
                to_json(self.document())
            }

            /// JSON indented by two spaces, one array value per line.
            #[must_use]
            pub fn to_json_pretty(&self) -> String {
                to_json_pretty(self.document())
            }

            /// The policy in the layout ECR returns stored repository policies in (see
            /// [`RepositoryPolicy::to_aws_json`]).
            #[doc = concat!("\n\n", $aws)]
            #[must_use]
            pub fn to_aws_json(&self) -> String {
                to_aws_json(self.document())
            }
        }
    };
}

kind_json!(
    RegistryPolicy,
    "PutRegistryPolicy",
    "AWS documents no sample of the text `GetRegistryPolicy` returns \
     (<https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryPolicy.html>): \
     that it is this layout is an assumption."
);
kind_json!(
    PublicRepositoryPolicy,
    "ecr-public:SetRepositoryPolicy",
    "That `ecr-public:GetRepositoryPolicy` returns this layout, like private ECR, is an \
     assumption."
);
kind_json!(
    IdentityPolicy,
    "iam:CreatePolicy",
    "IAM itself returns an identity policy URL-encoded, as written; this is the layout of \
     ECR's resource-based policies, for comparison with them."
);
kind_json!(
    AnyPolicy,
    "the API of its kind",
    "For kinds other than repository policies the layout is an assumption (see each kind)."
);

pub(crate) fn to_json(doc: &PolicyDocument) -> String {
    write(
        doc,
        Style { aws: false },
        384,
        serde_json::ser::CompactFormatter,
    )
}

pub(crate) fn to_json_pretty(doc: &PolicyDocument) -> String {
    write(
        doc,
        Style { aws: false },
        640,
        serde_json::ser::PrettyFormatter::with_indent(b"  "),
    )
}

pub(crate) fn to_aws_json(doc: &PolicyDocument) -> String {
    write(doc, Style { aws: true }, 512, AwsFormatter::default())
}

/// The layout of Jackson's `DefaultPrettyPrinter`, which AWS uses for stored policies: objects
/// indented by two spaces per object level, `" : "` between key and value, arrays inline with
/// single spaces (`[ "a", "b" ]`, empty `[ ]`), empty objects `{ }`.
#[derive(Default)]
pub(crate) struct AwsFormatter {
    depth: usize,
    has_value: bool,
}

impl AwsFormatter {
    fn indent<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for AwsFormatter {
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
            writer.write_all(b"}")
        } else {
            writer.write_all(b" }")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b" : ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b" ]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        writer.write_all(if first { b" " } else { b", " })
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
