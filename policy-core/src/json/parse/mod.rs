//! Reading policies from JSON: every form ECR holds or hands back, with typed errors that
//! carry the JSON path, line and column of the offending value.
//!
//! The reader works straight on the text (no intermediate JSON tree), borrows strings without
//! escapes, and never recurses deeper than the policy grammar: hostile input (deep nesting,
//! huge strings, many statements) ends in an error, with memory bounded by [`Limits`].

mod de;
mod document;
pub(crate) use document::aws_principal;
mod error;
mod limits;
mod reader;
pub(crate) use reader::Reader;
mod shape;

pub use error::{InvalidPolicy, ParseError, ParseErrorKind};
pub use limits::Limits;
pub use shape::SourceShape;

use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::{
    AnyPolicy, IdentityPolicy, NotAPolicyOfKind, PublicRepositoryPolicy, RegistryPolicy,
    RegistryPolicyScope,
};
use crate::model::policy::{RepositoryPolicy, RepositoryRuleViolation};

impl PolicyDocument {
    /// Reads a policy document from JSON, in any form ECR holds or hands back: `Statement` as
    /// an object or a list, a bare string or a list for every list-valued element, Version
    /// `2008-10-17`, `2012-10-17` or none, `Id`, `NotPrincipal`, `NotAction`, `Resource` and
    /// `NotResource`, every condition operator with any key, action names and condition keys in
    /// any letter case, and the indented text AWS returns.
    ///
    /// ```
    /// use policy_core::{Effect, PolicyDocument};
    ///
    /// let doc = PolicyDocument::from_json(r#"{
    ///   "Version" : "2008-10-17",
    ///   "Statement" : {
    ///     "Effect" : "Allow",
    ///     "Principal" : { "AWS" : "123456789012" },
    ///     "Action" : "ecr:batchgetimage"
    ///   }
    /// }"#)?;
    /// assert_eq!(doc.statements[0].effect, Effect::Allow);
    /// assert_eq!(doc.to_json(), r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:BatchGetImage"}}"#);
    /// # Ok::<(), policy_core::json::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ParseError`] with the JSON path, line and column of the first problem: invalid JSON,
    /// an unknown or repeated element, a value of the wrong type, or a value that breaks the
    /// grammar (an `Effect` other than `Allow`/`Deny`, a malformed principal or action, an
    /// unknown condition operator).
    pub fn from_json(text: &str) -> Result<Self, ParseError> {
        Self::from_json_with_limits(text, Limits::default())
    }

    /// [`from_json`](Self::from_json) with other [`Limits`].
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json), and [`ParseErrorKind::TooLarge`] or
    /// [`ParseErrorKind::TooMany`] past the limits.
    pub fn from_json_with_limits(text: &str, limits: Limits) -> Result<Self, ParseError> {
        document::DocumentReader::new(text, limits, false)
            .read()
            .map(|(doc, _)| doc)
    }
}

impl RepositoryPolicy {
    /// Reads a repository policy from JSON: [`PolicyDocument::from_json`], then the rules of
    /// repository policies, with one located error per broken rule.
    ///
    /// ```
    /// use policy_core::RepositoryPolicy;
    ///
    /// let err = RepositoryPolicy::from_json(r#"{"Statement": [
    ///   {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}
    /// ]}"#).unwrap_err();
    /// assert_eq!(err.errors.len(), 2);
    /// assert_eq!(err.errors[0].path(), "Statement[0].Principal");
    /// assert_eq!(err.errors[1].path(), "Statement[0].Resource");
    /// assert_eq!(err.errors[1].line(), 2);
    /// ```
    ///
    /// # Errors
    /// [`InvalidPolicy`] holding the [`ParseError`] of the text, or one error per violation.
    pub fn from_json(text: &str) -> Result<Self, InvalidPolicy> {
        // Read without recording positions; only a policy that breaks a rule is read again to
        // locate its errors, so valid policies do not pay for the bookkeeping.
        let document = PolicyDocument::from_json(text)?;
        match RepositoryPolicy::try_from(document) {
            Ok(policy) => Ok(policy),
            Err(_) => ParsedPolicy::parse(text)?.into_repository_policy(),
        }
    }
}

impl std::str::FromStr for RepositoryPolicy {
    type Err = InvalidPolicy;

    /// [`RepositoryPolicy::from_json`].
    ///
    /// ```
    /// use policy_core::RepositoryPolicy;
    /// let policy: RepositoryPolicy = r#"{"Statement": {"Effect": "Allow", "Principal": "*",
    ///     "Action": "ecr:BatchGetImage"}}"#.parse()?;
    /// assert_eq!(policy.statements().len(), 1);
    /// # Ok::<(), policy_core::json::InvalidPolicy>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RepositoryPolicy::from_json(s)
    }
}

/// A document read together with its [`SourceShape`]: enough to write it back as it was
/// written and to locate lint findings in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPolicy {
    /// The document.
    pub document: PolicyDocument,
    /// How the document was written.
    pub shape: SourceShape,
}

impl ParsedPolicy {
    /// Reads a document and records its shape.
    ///
    /// ```
    /// use policy_core::json::ParsedPolicy;
    ///
    /// let text = r#"{"Statement":[{"Action":["ecr:batchGetImage"],"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"],"Service":"codebuild.amazonaws.com"}}],"Version":"2012-10-17"}"#;
    /// let parsed = ParsedPolicy::parse(text)?;
    /// assert_eq!(parsed.to_json(), text);
    /// assert_eq!(parsed.shape.locate("Statement[0].Effect"), Some((1, 56)));
    /// # Ok::<(), policy_core::json::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// As [`PolicyDocument::from_json`].
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let (document, shape) =
            document::DocumentReader::new(text, Limits::default(), true).read()?;
        let mut shape = shape.unwrap_or_default();
        shape.text = text.to_owned();
        Ok(ParsedPolicy { document, shape })
    }

    /// Compact JSON in the shape the text was written in: element order, bare strings or lists,
    /// the letter case of actions and condition keys, statement and action order.
    #[must_use]
    pub fn to_json(&self) -> String {
        shape::render(&self.document, &self.shape)
    }

    /// Applies the rules of repository policies, each error located in the text.
    ///
    /// # Errors
    /// [`InvalidPolicy`] with one error per violation.
    pub fn into_repository_policy(self) -> Result<RepositoryPolicy, InvalidPolicy> {
        match RepositoryPolicy::try_from(self.document) {
            Ok(p) => Ok(p),
            Err(e) => Err(InvalidPolicy {
                errors: e
                    .violations
                    .into_iter()
                    .map(|v| locate_violation(&self.shape, v))
                    .collect(),
            }),
        }
    }
}

impl ParsedPolicy {
    /// Applies the rules of `kind`, each error located in the text.
    ///
    /// # Errors
    /// [`InvalidPolicy`] with one error per violation.
    pub fn into_policy_of_kind(self, kind: PolicyKind) -> Result<AnyPolicy, InvalidPolicy> {
        if kind == PolicyKind::Repository {
            return self.into_repository_policy().map(AnyPolicy::Repository);
        }
        AnyPolicy::from_document_as(self.document, kind)
            .map_err(|e| locate_kind_violations(&self.shape, e))
    }
}

fn locate_kind_violations(shape: &SourceShape, e: NotAPolicyOfKind) -> InvalidPolicy {
    InvalidPolicy {
        errors: e
            .violations
            .into_iter()
            .map(|v| {
                let path = v.path();
                let (line, column) = shape
                    .locate(&path)
                    .or_else(|| shape.locate(path.rsplit_once('[').map_or(&path, |(p, _)| p)))
                    .unwrap_or((1, 1));
                ParseError {
                    kind: ParseErrorKind::KindRule(v),
                    path,
                    line,
                    column,
                }
            })
            .collect(),
    }
}

/// Reads `text` and checks it with `check`; only a document that breaks a rule is read again
/// to locate its errors.
fn read_kind<T>(
    text: &str,
    check: impl Fn(PolicyDocument) -> Result<T, NotAPolicyOfKind>,
) -> Result<T, InvalidPolicy> {
    let document = PolicyDocument::from_json(text)?;
    match check(document) {
        Ok(policy) => Ok(policy),
        Err(_) => {
            let parsed = ParsedPolicy::parse(text)?;
            match check(parsed.document) {
                Ok(policy) => Ok(policy),
                Err(e) => Err(locate_kind_violations(&parsed.shape, e)),
            }
        }
    }
}

impl RegistryPolicy {
    /// Reads a registry policy from JSON ([`PolicyDocument::from_json`]), then applies the
    /// rules of registry policies under the default scope, V2, with one located error per
    /// broken rule.
    ///
    /// # Errors
    /// [`InvalidPolicy`] holding the [`ParseError`] of the text, or one error per violation.
    pub fn from_json(text: &str) -> Result<Self, InvalidPolicy> {
        Self::from_json_with_scope(text, RegistryPolicyScope::V2)
    }

    /// [`from_json`](Self::from_json) for a registry of `scope`.
    ///
    /// ```
    /// use policy_core::model::{RegistryPolicy, RegistryPolicyScope};
    /// let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage",
    ///   "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"}]}"#;
    /// assert!(RegistryPolicy::from_json(text).is_ok());
    /// let err = RegistryPolicy::from_json_with_scope(text, RegistryPolicyScope::V1).unwrap_err();
    /// assert_eq!(err.errors[0].path(), "Statement[0].Action");
    /// assert_eq!(err.errors[0].line(), 2);
    /// ```
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json).
    pub fn from_json_with_scope(
        text: &str,
        scope: RegistryPolicyScope,
    ) -> Result<Self, InvalidPolicy> {
        read_kind(text, |d| RegistryPolicy::check(d, scope))
    }
}

impl PublicRepositoryPolicy {
    /// Reads an ECR Public repository policy from JSON, then applies its rules, with one
    /// located error per broken rule.
    ///
    /// # Errors
    /// [`InvalidPolicy`] holding the [`ParseError`] of the text, or one error per violation.
    pub fn from_json(text: &str) -> Result<Self, InvalidPolicy> {
        read_kind(text, PublicRepositoryPolicy::try_from)
    }
}

impl IdentityPolicy {
    /// Reads an identity policy from JSON, then applies its rules, with one located error
    /// per broken rule.
    ///
    /// ```
    /// use policy_core::model::IdentityPolicy;
    /// let err = IdentityPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[
    ///   {"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#).unwrap_err();
    /// let paths: Vec<&str> = err.errors.iter().map(|e| e.path()).collect();
    /// assert_eq!(paths, ["Statement[0].Principal", "Statement[0].Resource"]);
    /// ```
    ///
    /// # Errors
    /// [`InvalidPolicy`] holding the [`ParseError`] of the text, or one error per violation.
    pub fn from_json(text: &str) -> Result<Self, InvalidPolicy> {
        read_kind(text, IdentityPolicy::try_from)
    }
}

impl AnyPolicy {
    /// Reads a policy of unstated kind: the kind [`PolicyKind::detect`] finds (a repository
    /// policy when it finds none), checked by that kind's rules.
    ///
    /// ```
    /// use policy_core::model::{AnyPolicy, PolicyKind};
    /// let policy = AnyPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[
    ///   {"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}"#)?;
    /// assert_eq!(policy.kind(), PolicyKind::Identity);
    /// # Ok::<(), policy_core::json::InvalidPolicy>(())
    /// ```
    ///
    /// # Errors
    /// [`InvalidPolicy`] holding the [`ParseError`] of the text, or one error per violation.
    pub fn from_json(text: &str) -> Result<Self, InvalidPolicy> {
        let document = PolicyDocument::from_json(text)?;
        let kind = PolicyKind::detect(&document).unwrap_or(PolicyKind::Repository);
        Self::from_json_as(text, kind)
    }

    /// Reads a policy of the stated `kind`.
    ///
    /// # Errors
    /// [`InvalidPolicy`] holding the [`ParseError`] of the text, or one error per violation.
    pub fn from_json_as(text: &str, kind: PolicyKind) -> Result<Self, InvalidPolicy> {
        if kind == PolicyKind::Repository {
            return RepositoryPolicy::from_json(text).map(AnyPolicy::Repository);
        }
        read_kind(text, |d| AnyPolicy::from_document_as(d, kind))
    }
}

fn locate_violation(shape: &SourceShape, v: RepositoryRuleViolation) -> ParseError {
    let path = v.path();
    let (line, column) = shape.locate(&path).unwrap_or((1, 1));
    ParseError {
        kind: ParseErrorKind::RepositoryRule(v),
        path,
        line,
        column,
    }
}

impl std::str::FromStr for PolicyDocument {
    type Err = ParseError;

    /// [`PolicyDocument::from_json`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyDocument::from_json(s)
    }
}
