//! The form AWS stores a policy in (ECR-FACTS section 4).

use crate::model::action::ActionItem;
use crate::model::document::PolicyDocument;
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal};

impl PolicyDocument {
    /// The document as AWS stores it: a bare account id principal becomes
    /// `arn:aws:iam::<id>:root`, actions take the catalogue's spelling (`ecr:putimage` becomes
    /// `ecr:PutImage`, `ECR:Batch*` becomes `ecr:Batch*`); key order is the renderer's, which is
    /// AWS's. Values, the order of statements and lists, and bare strings versus lists are
    /// kept, as AWS keeps them.
    ///
    /// ```
    /// use policy_core::PolicyDocument;
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Statement": {"Action": "ECR:putimage", "Effect": "Allow",
    ///     "Principal": {"AWS": "123456789012"}}}"#)?;
    /// assert_eq!(
    ///     doc.normalize().to_json(),
    ///     r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"ecr:PutImage"}}"#
    /// );
    /// assert!(doc.normalize().equivalent(&doc));
    /// # Ok::<(), policy_core::json::ParseError>(())
    /// ```
    #[must_use]
    pub fn normalize(&self) -> PolicyDocument {
        let mut doc = self.clone();
        for s in doc.statements.items_mut() {
            if let Some(p) = &mut s.principal {
                for principal in p.principals.items_mut() {
                    if let Principal::Aws(AwsPrincipal::Account { bare, .. }) = principal {
                        *bare = false;
                    }
                }
            }
            if let Some(a) = &mut s.action {
                for item in a.actions.items_mut() {
                    if let Some(better) = respell(item) {
                        *item = better;
                    }
                }
            }
        }
        doc
    }
}

impl RepositoryPolicy {
    /// The policy as AWS stores it; see [`PolicyDocument::normalize`].
    #[must_use]
    pub fn normalize(&self) -> RepositoryPolicy {
        // Normalising keeps principals, actions and resources present or absent as they were.
        RepositoryPolicy::from_document_unchecked(self.document().normalize())
    }
}

/// The catalogue spelling of an action entry whose service prefix is not lowercase.
fn respell(item: &ActionItem) -> Option<ActionItem> {
    let text = match item {
        ActionItem::Other(t) => t.as_str(),
        ActionItem::Pattern(p) => p.as_str(),
        _ => return None,
    };
    let (service, name) = text.split_once(':')?;
    if service.bytes().all(|b| !b.is_ascii_uppercase()) {
        return None;
    }
    let lowered = format!("{}:{name}", service.to_ascii_lowercase());
    match ActionItem::parse(&lowered) {
        ActionItem::Other(_) => Some(ActionItem::Other(lowered)),
        better => Some(better),
    }
}
