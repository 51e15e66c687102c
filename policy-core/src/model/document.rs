//! Policy documents: the general IAM grammar, and the repository policy ECR accepts.

use crate::model::list::{ListForm, ValueList};
use crate::model::names::PolicyId;
use crate::model::statement::Statement;
use crate::model::version::Version;

/// A policy document in the general IAM grammar: a repository policy, a registry policy or an
/// identity policy, as read from JSON or built in code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyDocument {
    /// The `Version` element; `None` when the document has none (AWS then assumes `2008-10-17`).
    pub version: Option<Version>,
    /// The optional `Id` element.
    pub id: Option<PolicyId>,
    /// The statements. With [`ListForm::Compact`] a single statement is written as an object.
    pub statements: ValueList<Statement>,
}

impl PolicyDocument {
    /// An empty document of the given version; statements are written as an array.
    #[must_use]
    pub fn new(version: Version) -> Self {
        PolicyDocument {
            version: Some(version),
            id: None,
            statements: ValueList::new(Vec::new(), ListForm::Array),
        }
    }
}

impl AsRef<PolicyDocument> for PolicyDocument {
    fn as_ref(&self) -> &PolicyDocument {
        self
    }
}
