//! Errors of reading a policy: what is wrong, where (JSON path, line and column), and how to fix it.

use std::fmt;

use crate::model::kinds::KindRuleViolation;
use crate::model::policy::RepositoryRuleViolation;

/// What is wrong with a policy text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text is not JSON: `expected` says what should have come at the position.
    Syntax {
        /// What the reader expected, e.g. `"',' or '}'"`.
        expected: &'static str,
    },
    /// The text is longer than the reader accepts.
    TooLarge {
        /// The size of the text, in bytes.
        size: usize,
        /// The most the reader accepts.
        limit: usize,
    },
    /// A list holds more entries than the reader accepts.
    TooMany {
        /// What was counted, e.g. `"statements"`.
        what: &'static str,
        /// The most the reader accepts.
        limit: usize,
    },
    /// A value has the wrong JSON type.
    WrongType {
        /// What the grammar allows here.
        expected: &'static str,
        /// What the text has.
        found: &'static str,
    },
    /// An element the policy grammar does not have (element names are case-sensitive).
    UnknownElement {
        /// The name as written.
        name: String,
        /// The element probably meant.
        suggestion: Option<&'static str>,
    },
    /// An element written twice in one object.
    DuplicateElement {
        /// The name as written.
        name: String,
    },
    /// A required element is missing.
    MissingElement {
        /// The element, e.g. `"Effect"`.
        name: &'static str,
    },
    /// Two elements that exclude each other, such as `Action` and `NotAction`.
    Conflict {
        /// The element written first.
        first: &'static str,
        /// The element written second.
        second: &'static str,
    },
    /// A value breaks a rule of the grammar (an unknown `Effect`, a malformed principal, ...).
    InvalidValue {
        /// What is wrong.
        message: String,
        /// How to fix it, when there is a likely fix.
        hint: Option<String>,
    },
    /// The document is a valid policy but not a repository policy.
    RepositoryRule(RepositoryRuleViolation),
    /// The document is a valid policy but breaks a rule of the kind it was read as (a
    /// registry, ECR Public repository or identity policy).
    KindRule(KindRuleViolation),
}

/// An error found while reading a policy, with its location.
///
/// ```
/// use policy_core::PolicyDocument;
///
/// let err = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Permit"}]}"#).unwrap_err();
/// assert_eq!(err.path(), "Statement[0].Effect");
/// assert_eq!((err.line(), err.column()), (1, 27));
/// assert!(err.to_string().contains("\"Allow\" or \"Deny\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    pub(crate) kind: ParseErrorKind,
    pub(crate) path: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl ParseError {
    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// The JSON path of the offending value, e.g. `Statement[1].Principal.AWS[0]`; empty for
    /// the document itself. A list written as a bare string has no index in the path.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The line of the offending value, from 1.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the offending value, from 1, in characters.
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }

    /// How to fix the error, when there is a likely fix.
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match &self.kind {
            ParseErrorKind::Syntax { .. } => Some(
                "policies are strict JSON: no comments, no trailing commas, keys and strings in double quotes"
                    .to_owned(),
            ),
            ParseErrorKind::TooLarge { .. } => Some(format!(
                "ECR stores at most {} characters of policy text",
                crate::model::policy::MAX_POLICY_LENGTH
            )),
            ParseErrorKind::TooMany { .. } => Some("split the policy or merge statements".to_owned()),
            ParseErrorKind::UnknownElement { suggestion: Some(s), .. } => {
                Some(format!("did you mean \"{s}\"? element names are case-sensitive"))
            }
            ParseErrorKind::UnknownElement { .. } => None,
            ParseErrorKind::DuplicateElement { .. } => {
                Some("write the element once; put several values in a list".to_owned())
            }
            ParseErrorKind::MissingElement { name } => Some(match *name {
                "Statement" => "add \"Statement\": [ ... ] with at least one statement".to_owned(),
                "Effect" => "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"".to_owned(),
                other => format!("add \"{other}\""),
            }),
            ParseErrorKind::Conflict { first, second } => {
                Some(format!("keep either \"{first}\" or \"{second}\""))
            }
            ParseErrorKind::InvalidValue { hint, .. } => hint.clone(),
            ParseErrorKind::WrongType { .. } => None,
            ParseErrorKind::KindRule(v) => Some(v.hint()),
            ParseErrorKind::RepositoryRule(RepositoryRuleViolation::Resource { .. }) => None,
            ParseErrorKind::RepositoryRule(v) => Some(
                match v {
                    RepositoryRuleViolation::NoStatement => "add a statement",
                    RepositoryRuleViolation::MissingPrincipal { .. } => {
                        "add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:root\"} naming who gets access"
                    }
                    RepositoryRuleViolation::MissingAction { .. } => {
                        "add \"Action\": [\"ecr:BatchGetImage\", ...]"
                    }
                    RepositoryRuleViolation::Resource { .. } => "",
                }
                .to_owned(),
            ),
        }
    }

    /// The message without location and hint.
    #[must_use]
    pub fn message(&self) -> String {
        match &self.kind {
            ParseErrorKind::Syntax { expected } => format!("invalid JSON: expected {expected}"),
            ParseErrorKind::TooLarge { size, limit } => {
                format!("the text has {size} bytes, more than the {limit} this reader accepts")
            }
            ParseErrorKind::TooMany { what, limit } => {
                format!("more than {limit} {what}")
            }
            ParseErrorKind::WrongType { expected, found } => {
                format!("expected {expected}, found {found}")
            }
            ParseErrorKind::UnknownElement { name, .. } => {
                format!("unknown element \"{}\"", name.escape_debug())
            }
            ParseErrorKind::DuplicateElement { name } => {
                format!("element \"{}\" is written twice", name.escape_debug())
            }
            ParseErrorKind::MissingElement { name } => format!("missing element \"{name}\""),
            ParseErrorKind::Conflict { first, second } => {
                format!("\"{first}\" and \"{second}\" cannot both be in one statement")
            }
            ParseErrorKind::InvalidValue { message, .. } => message.clone(),
            ParseErrorKind::KindRule(v) => {
                let text = v.to_string();
                match text.split_once(": ") {
                    Some((_, rest)) => rest.to_owned(),
                    None => text,
                }
            }
            ParseErrorKind::RepositoryRule(v) => {
                let text = v.to_string();
                // The violation's text starts with its own path.
                match text.split_once(": ") {
                    Some((_, rest)) => rest.to_owned(),
                    None => text,
                }
            }
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, ", at {}", self.path)?;
        }
        write!(f, ": {}", self.message())?;
        if let Some(hint) = self.hint() {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Every reason a text is not a repository policy: one syntax or grammar error, or one error
/// per broken rule of repository policies.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidPolicy {
    /// The errors, at least one, in document order.
    pub errors: Vec<ParseError>,
}

impl fmt::Display for InvalidPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => write!(f, "invalid repository policy: {one}"),
            many => {
                write!(f, "invalid repository policy:")?;
                for e in many {
                    write!(f, "\n  - {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for InvalidPolicy {}

impl From<ParseError> for InvalidPolicy {
    fn from(e: ParseError) -> Self {
        InvalidPolicy { errors: vec![e] }
    }
}
