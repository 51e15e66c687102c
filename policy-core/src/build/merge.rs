//! Merging policies and templates: one policy from the statements of several.
//!
//! A merge keeps every statement, in order, and refuses two statements with one Sid (AWS IAM
//! Access Analyzer reports a duplicate Sid as an error). [`Combine`] can first join statements
//! that differ only in their principals, or only in their actions, into one.

use crate::build::builder::{Combine, Draft, MergeError, PolicyTemplate};
use crate::model::policy::RepositoryPolicy;

fn merge_drafts(
    ours: &mut Vec<Draft>,
    theirs: Vec<Draft>,
    combine: Combine,
) -> Result<(), MergeError> {
    let originals = ours.len();
    for (j, draft) in theirs.into_iter().enumerate() {
        if let Some(same) = ours[..originals]
            .iter_mut()
            .find(|o| o.combinable(&draft, combine))
        {
            same.absorb(draft, combine);
            continue;
        }
        if let Some(sid) = &draft.sid() {
            if let Some(i) = ours.iter().position(|o| o.sid() == Some(sid)) {
                return Err(MergeError {
                    sid: sid.as_str().to_owned(),
                    first: i,
                    second: j,
                });
            }
        }
        ours.push(draft);
    }
    Ok(())
}

impl PolicyTemplate {
    /// The statements of both templates, `other`'s after this one's; `Version`, `Id` and
    /// partition are this one's. A policy converts with `.into()`.
    ///
    /// ```
    /// use policy_core::{AccountId, Bundle, RepositoryPolicy, RoleName, StatementBuilder};
    ///
    /// let ci = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().sid("Push".parse()?).role(RoleName::new("ci")?).bundle(Bundle::Push))
    ///     .build()?;
    /// let readers = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().sid("Pull".parse()?).role(RoleName::new("app")?).bundle(Bundle::Pull))
    ///     .build()?;
    /// let policy = ci.merge(readers)?.bind(AccountId::new("123456789012")?);
    /// assert_eq!(policy.statements().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`MergeError`] naming both statements when a Sid is in both templates.
    pub fn merge(self, other: impl Into<PolicyTemplate>) -> Result<PolicyTemplate, MergeError> {
        self.merge_with(other, Combine::Nothing)
    }

    /// [`merge`](Self::merge), joining statements as `combine` says first.
    ///
    /// ```
    /// use policy_core::builder::Combine;
    /// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder};
    ///
    /// let pull = |account: &str| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(RepositoryPolicy::builder()
    ///         .statement(StatementBuilder::allow().sid("Pull".parse()?).account(AccountId::new(account)?).bundle(Bundle::Pull))
    ///         .build()?)
    /// };
    /// let both = pull("111122223333")?.merge_with(pull("444455556666")?, Combine::Principals)?;
    /// let policy = RepositoryPolicy::try_from(both)?;
    /// assert_eq!(policy.statements().len(), 1);
    /// assert!(pull("111122223333")?.merge(pull("444455556666")?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`MergeError`] naming both statements when a Sid is in both templates and the
    /// statements were not joined.
    pub fn merge_with(
        mut self,
        other: impl Into<PolicyTemplate>,
        combine: Combine,
    ) -> Result<PolicyTemplate, MergeError> {
        merge_drafts(&mut self.statements, other.into().statements, combine)?;
        Ok(self)
    }
}

impl RepositoryPolicy {
    /// The statements of both policies, `other`'s after this one's; `Version` and `Id` are this
    /// one's.
    ///
    /// ```
    /// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder};
    ///
    /// let account = AccountId::new("123456789012")?;
    /// let one = |sid: &str| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(RepositoryPolicy::builder()
    ///         .account(AccountId::new("123456789012")?)
    ///         .statement(StatementBuilder::allow().sid(sid.parse()?).own_account().bundle(Bundle::Pull))
    ///         .build()?)
    /// };
    /// assert_eq!(one("A")?.merge(one("B")?)?.statements().len(), 2);
    /// let err = one("A")?.merge(one("A")?).unwrap_err();
    /// assert!(err.to_string().starts_with("statement 0 of the first policy and statement 0 of the second share the Sid \"A\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`MergeError`] naming both statements when a Sid is in both policies.
    pub fn merge(self, other: RepositoryPolicy) -> Result<RepositoryPolicy, MergeError> {
        self.merge_with(other, Combine::Nothing)
    }

    /// [`merge`](Self::merge), joining statements as `combine` says first.
    ///
    /// # Errors
    /// A [`MergeError`] naming both statements when a Sid is in both policies and the
    /// statements were not joined.
    pub fn merge_with(
        self,
        other: RepositoryPolicy,
        combine: Combine,
    ) -> Result<RepositoryPolicy, MergeError> {
        let merged = PolicyTemplate::from(self).merge_with(other, combine)?;
        Ok(merged.into_policy_unchecked())
    }

    /// Merges each policy in turn into this one.
    ///
    /// # Errors
    /// A [`MergeError`] for the first Sid found twice; `first` indexes the statements merged so
    /// far, `second` the statements of the policy being added.
    pub fn extend(
        self,
        others: impl IntoIterator<Item = RepositoryPolicy>,
    ) -> Result<RepositoryPolicy, MergeError> {
        others.into_iter().try_fold(self, RepositoryPolicy::merge)
    }
}
