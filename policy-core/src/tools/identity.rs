//! The other half of a grant: the identity policy the grantee needs (ECR-FACTS sections 1, 5).

use crate::model::action::ActionItem;
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::list::{ListForm, ValueList};
use crate::model::names::Sid;
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::{ActionElement, ResourceElement, Statement};
use crate::model::version::{Effect, Version};
use policy_catalogue::Action;

impl RepositoryPolicy {
    /// The identity policy to attach to `grantee` so that it can use what this repository
    /// policy grants it on `repository`: one statement per `Allow` statement naming the
    /// grantee (by name, through its account, or as `"*"`), with that statement's repository
    /// actions and conditions and the repository's ARN as `Resource`; and first,
    /// `ecr:GetAuthorizationToken` on `"*"`, which `docker login` needs and no repository
    /// policy can grant.
    ///
    /// Across accounts both policies must allow; in the repository's own account the
    /// identity policy is what a `:root` grant delegates to. A service principal needs no
    /// identity policy: its grant comes from the repository policy alone.
    ///
    /// Sids are the repository statements' Sids with every character outside `A-Za-z0-9`
    /// removed (IAM identity policies allow no others), or `RepositoryAccessN`.
    ///
    /// ```
    /// use policy_core::eval::{Caller, Evaluator, Outcome, Request};
    /// use policy_core::{AccountId, Action, Bundle, RepositoryPolicy, StatementBuilder, UserName};
    /// use policy_core::model::Principal;
    ///
    /// let ci_account = AccountId::new("210987654321")?;
    /// let ci = Principal::user(ci_account.clone(), UserName::new("ci")?);
    /// let policy = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().sid("PullForCI".parse()?).principal(ci.clone()).bundle(Bundle::Pull))
    ///     .build()?.into_policy()?;
    /// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
    /// let identity = policy.identity_policy_for(&ci, &repo);
    /// assert!(identity.to_json().contains(r#""Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app""#));
    ///
    /// // Together they let the CI user pull across accounts.
    /// let evaluator = Evaluator::new(&policy).with_identity_policy(&identity);
    /// let caller = Caller::user(ci_account, UserName::new("ci")?);
    /// assert_eq!(evaluator.decide(&Request::new(caller.clone(), Action::BatchGetImage, repo.clone())), Outcome::Allowed);
    /// assert_eq!(evaluator.decide(&Request::new(caller, Action::GetAuthorizationToken, repo)), Outcome::Allowed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn identity_policy_for(
        &self,
        grantee: &Principal,
        repository: &RepositoryArn,
    ) -> PolicyDocument {
        let mut document = PolicyDocument::new(Version::V2012_10_17);
        let mut token = Statement::new(Effect::Allow);
        token.sid = Some(Sid::__checked("AllowEcrLogin"));
        token.action = Some(ActionElement {
            negated: false,
            actions: ValueList::new(
                vec![ActionItem::Ecr(Action::GetAuthorizationToken)],
                ListForm::Compact,
            ),
        });
        token.resource = Some(ResourceElement {
            negated: false,
            resources: ValueList::new(vec!["*".to_owned()], ListForm::Compact),
        });
        document.statements.push(token);

        for (i, s) in self.statements().iter().enumerate() {
            if s.effect != Effect::Allow {
                continue;
            }
            let Some(principal) = s.principal.as_ref().filter(|p| !p.negated) else {
                continue;
            };
            if !principal.principals.iter().any(|p| names(p, grantee)) {
                continue;
            }
            let Some(action) = &s.action else { continue };
            let actions: Vec<ActionItem> = action
                .actions
                .iter()
                .filter(|a| match a {
                    ActionItem::Ecr(a) => a.is_repository_action(),
                    _ => true,
                })
                .cloned()
                .collect();
            if actions.is_empty() {
                continue;
            }
            let mut statement = Statement::new(Effect::Allow);
            let mut sid = identity_sid(s.sid.as_ref().map(Sid::as_str), i);
            // Sids must be unique; two repository Sids may clean to the same text.
            if document
                .statements
                .iter()
                .any(|t| t.sid.as_ref() == Some(&sid))
            {
                sid = identity_sid(Some(&format!("{sid}{i}")), i);
            }
            statement.sid = Some(sid);
            statement.action = Some(ActionElement {
                negated: action.negated,
                actions: ValueList::new(actions, ListForm::Array),
            });
            statement.resource = Some(ResourceElement {
                negated: false,
                resources: ValueList::new(vec![repository.as_str().to_owned()], ListForm::Compact),
            });
            statement.condition = s.condition.clone();
            document.statements.push(statement);
        }
        document
    }
}

/// Whether a repository-policy principal grants to `grantee`.
fn names(listed: &Principal, grantee: &Principal) -> bool {
    if listed == grantee
        || matches!(
            listed,
            Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone)
        )
    {
        return true;
    }
    match (listed, grantee) {
        (Principal::Aws(AwsPrincipal::Account { account, .. }), Principal::Aws(g)) => {
            g.account() == Some(account)
        }
        (Principal::Aws(a), Principal::Aws(g)) => a.to_string() == g.to_string(),
        _ => false,
    }
}

fn identity_sid(sid: Option<&str>, index: usize) -> Sid {
    let cleaned: String = sid
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let text = if cleaned.is_empty() {
        format!("RepositoryAccess{index}")
    } else {
        cleaned
    };
    Sid::new(text).unwrap_or_else(|_| Sid::__checked("RepositoryAccess"))
}
