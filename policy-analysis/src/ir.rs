//! The plain form of a repository policy the analysis reads. Both the `policy!` macro's syntax
//! tree and `policy_core`'s model lower into it; it keeps text as written (values, keys,
//! action entries), so that nothing is decided before the analysis.

use policy_catalogue::principal_arn::{parse_principal_arn, PrincipalArn};
use policy_catalogue::{wildcard_match, Action, ConditionOperator};

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Refuses, over every grant.
    Deny,
}

/// A policy: its statements, and whether policy variables (`${aws:username}`) are substituted
/// (`"Version": "2012-10-17"`) or literal text (`"2008-10-17"`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Policy {
    /// The statements, in order.
    pub statements: Vec<Statement>,
    /// Whether `${...}` in values are policy variables (version `2012-10-17`).
    pub variables: bool,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The Sid, if any.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`; `None` in an identity policy.
    pub principal: Option<Principals>,
    /// `Action` / `NotAction`.
    pub actions: Actions,
    /// `Resource` / `NotResource`, `None` when absent (a repository policy's statement is
    /// about its repository).
    pub resources: Option<Resources>,
    /// The condition tests, all of which must hold.
    pub conditions: Vec<Condition>,
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principals {
    /// `NotPrincipal`.
    pub negated: bool,
    /// The principals listed.
    pub items: Vec<PrincipalItem>,
}

/// One principal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalItem {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Anyone,
    /// An account (`arn:aws:iam::ID:root` or the bare id): trusts the account.
    Account {
        /// The partition.
        partition: String,
        /// The 12-digit id.
        id: String,
    },
    /// An IAM user.
    User {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
        /// The path, `/` for none.
        path: String,
        /// The name.
        name: String,
    },
    /// An IAM role: covers its sessions.
    Role {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
        /// The path, `/` for none.
        path: String,
        /// The name.
        name: String,
    },
    /// A role session (`arn:aws:sts::ID:assumed-role/ROLE/SESSION`).
    Session {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
        /// The role name.
        role: String,
        /// The session name.
        session: String,
    },
    /// A service principal, e.g. `codebuild.amazonaws.com`.
    Service(String),
    /// A federated principal (an identity provider): no caller class of the analysis.
    Federated(String),
    /// Anything else (a unique id `AIDA...`, a canonical user, a malformed ARN): matches
    /// nobody, as in the evaluator.
    Other(String),
}

impl PrincipalItem {
    /// Reads the text of an `AWS` principal: `*`, an account id, or a root, user, role or
    /// session ARN; anything else is [`PrincipalItem::Other`].
    ///
    /// ```
    /// use policy_analysis::ir::PrincipalItem;
    /// assert_eq!(
    ///     PrincipalItem::aws("123456789012"),
    ///     PrincipalItem::Account { partition: "aws".into(), id: "123456789012".into() }
    /// );
    /// assert!(matches!(PrincipalItem::aws("AIDAEXAMPLE"), PrincipalItem::Other(_)));
    /// ```
    #[must_use]
    pub fn aws(text: &str) -> PrincipalItem {
        if text == "*" {
            return PrincipalItem::Anyone;
        }
        let s = |x: &str| x.to_owned();
        match parse_principal_arn(text) {
            Ok(PrincipalArn::Account {
                partition, account, ..
            }) => PrincipalItem::Account {
                partition: s(partition),
                id: s(account),
            },
            Ok(PrincipalArn::User {
                partition,
                account,
                path,
                name,
            }) => PrincipalItem::User {
                partition: s(partition),
                account: s(account),
                path: s(path),
                name: s(name),
            },
            Ok(PrincipalArn::Role {
                partition,
                account,
                path,
                name,
            }) => PrincipalItem::Role {
                partition: s(partition),
                account: s(account),
                path: s(path),
                name: s(name),
            },
            Ok(PrincipalArn::AssumedRole {
                partition,
                account,
                role,
                session,
            }) => PrincipalItem::Session {
                partition: s(partition),
                account: s(account),
                role: s(role),
                session: s(session),
            },
            Err(_) => PrincipalItem::Other(s(text)),
        }
    }

    /// The account the principal belongs to, if any.
    #[must_use]
    pub fn account(&self) -> Option<&str> {
        match self {
            PrincipalItem::Account { id, .. } => Some(id),
            PrincipalItem::User { account, .. }
            | PrincipalItem::Role { account, .. }
            | PrincipalItem::Session { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// An `Action` or `NotAction` element, as written.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Actions {
    /// `NotAction`.
    pub negated: bool,
    /// The entries: action names or patterns with `*` and `?`, in any letter case.
    pub items: Vec<String>,
}

impl Actions {
    /// The catalogue's repository actions the element covers, resolved once: linear in the
    /// entries (equal entries are read once; a name without wildcards is a lookup).
    ///
    /// ```
    /// use policy_analysis::ir::Actions;
    /// use policy_catalogue::Action;
    /// let a = Actions { negated: false, items: vec!["ecr:Batch*".into(), "ECR:PutImage".into()] };
    /// let set = a.resolve();
    /// assert!(set.contains(Action::BatchGetImage) && set.contains(Action::PutImage));
    /// assert!(!set.contains(Action::DeleteRepository));
    /// ```
    #[must_use]
    pub fn resolve(&self) -> ActionSet {
        Actions::resolve_entries(self.negated, self.items.iter().map(|x| (x.as_str(), None)))
    }

    /// [`resolve`](Self::resolve) of the list `entries` (its complement when `negated`),
    /// each entry with its [`policy_catalogue::action_bits`] when the caller has matched it
    /// already (the lint has, for its patterns): those are not matched again.
    #[must_use]
    pub fn resolve_entries<'e>(
        negated: bool,
        entries: impl IntoIterator<Item = (&'e str, Option<u128>)>,
    ) -> ActionSet {
        let mut listed = 0u128;
        // Only entries outside ASCII are remembered, and those are rare: made for the first.
        let mut seen: Option<std::collections::HashSet<String>> = None;
        for (item, bits) in entries {
            if listed == ActionSet::ALL.0 {
                break;
            }
            // A name is a lookup, repeated or not: no lowered copy to compare. A catalogue
            // name is letters (ignoring ASCII case: no `*` or `?`), so one found needs no
            // look for wildcards, which an entry not found gets; an entry ending in other than
            // a letter (`*` or `?`, as most patterns do) is no name and is not looked up.
            // (`*` and `?` are ASCII: looked for byte by byte, not character by character.)
            let last = item.as_bytes().last().copied();
            if let Some(a) = item
                .get(..4)
                .filter(|p| {
                    p.eq_ignore_ascii_case("ecr:") && last.is_some_and(|b| b.is_ascii_alphabetic())
                })
                .and_then(|_| Action::from_name(&item[4..]))
            {
                listed |= 1 << a.index();
                continue;
            }
            // An entry ending in a wildcard (most patterns do) needs no look for one.
            if !matches!(last, Some(b'*' | b'?')) && !item.bytes().any(|b| b == b'*' || b == b'?') {
                continue;
            }
            if item.is_ascii() {
                // Matched against the catalogue once per thread, for the lint's rules and
                // the evaluator too; a repeat adds the same bits, so no lowered copy to
                // compare.
                listed |= bits.unwrap_or_else(|| policy_catalogue::action_bits(item));
                continue;
            }
            let lower = item.to_ascii_lowercase();
            let seen = seen.get_or_insert_with(std::collections::HashSet::new);
            if seen.contains(&lower) {
                continue;
            }
            // Not ASCII: matched ignoring case against each name.
            for a in Action::ALL {
                if wildcard_match(item, a.as_str(), true) {
                    listed |= 1 << a.index();
                }
            }
            seen.insert(lower);
        }
        let listed = if negated {
            !listed & ActionSet::ALL.0
        } else {
            listed
        };
        ActionSet(listed & ActionSet::REPOSITORY.0)
    }
}

// The catalogue's actions fit one bit set.
const _: () = assert!(Action::ALL.len() <= 128);

/// A set of catalogue actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ActionSet(pub u128);

impl ActionSet {
    /// The repository's actions in groups that `masks` do not tell apart (each mask covers
    /// all of a group or none), in order: partition refinement.
    pub(crate) fn repository_groups(masks: impl IntoIterator<Item = u128>) -> Vec<u128> {
        let mut parts: Vec<u128> = vec![ActionSet::REPOSITORY.0];
        for mask in masks {
            let mut next = Vec::with_capacity(parts.len() + 1);
            for g in parts {
                for half in [g & mask, g & !mask] {
                    if half != 0 {
                        next.push(half);
                    }
                }
            }
            parts = next;
        }
        parts
    }

    /// Every catalogue action.
    pub const ALL: ActionSet = ActionSet(if Action::ALL.len() == 128 {
        u128::MAX
    } else {
        (1u128 << Action::ALL.len()) - 1
    });

    /// Every action a repository policy can grant: the catalogue's
    /// [`Action::is_granted_by_repository_policy`], which leaves out the actions without a
    /// repository and `ecr:CreateRepository` and `ecr:ReplicateImage`, which AWS takes from
    /// identity and registry policies (`ecr:*` grants every other one).
    pub const REPOSITORY: ActionSet = {
        let mut bits = 0u128;
        let mut i = 0;
        while i < Action::ALL.len() {
            if Action::ALL[i].is_granted_by_repository_policy() {
                bits |= 1 << i;
            }
            i += 1;
        }
        ActionSet(bits)
    };

    /// No action.
    pub const EMPTY: ActionSet = ActionSet(0);

    /// Whether the set holds `a`.
    #[must_use]
    pub fn contains(self, a: Action) -> bool {
        self.0 & (1 << a.index()) != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The actions, in catalogue order.
    pub fn iter(self) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |a| self.contains(*a))
    }

    /// A set of one action.
    #[must_use]
    pub fn of(a: Action) -> ActionSet {
        ActionSet(1 << a.index())
    }
}

impl FromIterator<Action> for ActionSet {
    fn from_iter<I: IntoIterator<Item = Action>>(iter: I) -> Self {
        ActionSet(iter.into_iter().fold(0, |b, a| b | 1 << a.index()))
    }
}

/// A `Resource` or `NotResource` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resources {
    /// `NotResource`.
    pub negated: bool,
    /// The ARN patterns.
    pub items: Vec<String>,
}

impl Resources {
    /// Whether the element covers the repository ARN; `None` when the ARN is not known and
    /// a pattern other than `*` leaves it open.
    #[must_use]
    pub fn covers(&self, repository: Option<&str>) -> Option<bool> {
        let listed = match repository {
            Some(arn) => self.items.iter().any(|p| wildcard_match(p, arn, false)),
            None => {
                if self
                    .items
                    .iter()
                    .any(|p| !p.is_empty() && p.bytes().all(|b| b == b'*'))
                {
                    true
                } else {
                    return None;
                }
            }
        };
        Some(listed != self.negated)
    }
}

/// One condition test: an operator, a key and its values, as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Condition {
    /// The operator, with its qualifier and `IfExists`.
    pub operator: ConditionOperator,
    /// The key, in any letter case.
    pub key: String,
    /// The values, as text (`true` for a JSON boolean, digits for a number).
    pub values: Vec<String>,
}

impl Condition {
    /// A condition from its parts.
    ///
    /// ```
    /// use policy_analysis::ir::Condition;
    /// use policy_catalogue::Operator;
    /// let c = Condition::new(Operator::StringEquals.into(), "aws:SourceAccount", ["123456789012"]);
    /// assert_eq!(c.values, ["123456789012"]);
    /// ```
    pub fn new<I>(operator: ConditionOperator, key: &str, values: I) -> Condition
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Condition {
            operator,
            key: key.to_owned(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `resolve` by the definition: every catalogue action some entry matches, without
    /// letter case, a name by its text.
    fn by_definition(a: &Actions) -> ActionSet {
        let listed: u128 = Action::ALL
            .into_iter()
            .filter(|x| a.items.iter().any(|i| wildcard_match(i, x.as_str(), true)))
            .fold(0, |b, x| b | 1 << x.index());
        let listed = if a.negated {
            !listed & ActionSet::ALL.0
        } else {
            listed
        };
        ActionSet(listed & ActionSet::REPOSITORY.0)
    }

    #[test]
    fn resolve_is_the_definition_with_repeats_and_letter_case() {
        let lists: &[&[&str]] = &[
            &["ecr:PutImage", "ecr:PutImage"],
            &["ECR:putimage", "ecr:BatchGetImage", "ecr:PutImage"],
            &["ecr:Get*", "ECR:GET*", "ecr:GetAuthorizationToken"],
            &[
                "ecr:Batch*",
                "ecr:batch*",
                "ecr:BatchGetImage",
                "s3:GetObject",
            ],
            &["ecr:*Image", "ecr:PutImage", "ecr:Describe?mages"],
            &[
                "ecr:NoSuchAction",
                "ecr:InitiateLayerUpload",
                "ecr:initiatelayerupload",
            ],
            &["*", "ecr:PutImage"],
        ];
        for items in lists {
            for negated in [false, true] {
                let a = Actions {
                    negated,
                    items: items.iter().map(|s| (*s).to_owned()).collect(),
                };
                assert_eq!(a.resolve(), by_definition(&a), "{a:?}");
            }
        }
    }

    /// Names are looked up before wildcards are looked for: every catalogue name alone, in
    /// three letter cases, with its last letter made `?` or `*`, cut short, and a few entries
    /// beside names (`ecr:`, foreign services, non-ASCII), resolve as by the definition.
    #[test]
    fn names_looked_up_first_resolve_as_the_definition() {
        let mut entries: Vec<String> = ["ecr:", "ecr", "", "*", "?", "ecr:\u{212a}*", "ECR:Ä*"]
            .map(String::from)
            .to_vec();
        for x in Action::ALL {
            let name = x.as_str();
            let cut = &name[..name.len() - 1];
            entries.extend([
                name.to_owned(),
                name.to_ascii_uppercase(),
                name.to_ascii_lowercase(),
                format!("{cut}?"),
                format!("{cut}*"),
                cut.to_owned(),
                format!("s3:{}", &name[4..]),
            ]);
        }
        for (n, entry) in entries.iter().enumerate() {
            for items in [
                vec![entry.clone()],
                vec![entry.clone(), entries[n / 2].clone()],
            ] {
                let a = Actions {
                    negated: false,
                    items,
                };
                assert_eq!(a.resolve(), by_definition(&a), "{a:?}");
            }
        }
    }

    /// `resolve_entries` with the `action_bits` of some entries given (as the lint gives those
    /// of its patterns) resolves as `resolve` does: on the fixed lists above, and on random
    /// lists of names, patterns, repeats, other services and text outside ASCII, either
    /// element.
    #[test]
    fn entries_with_their_bits_resolve_as_resolve() {
        let pieces = [
            "ecr:BatchGetImage",
            "ECR:putimage",
            "ecr:Batch*",
            "ecr:batch*",
            "ecr:Get*",
            "ecr:*Image",
            "ecr:Describe?mages",
            "ecr:*",
            "*",
            "ecr:Nothing*0?",
            "s3:Get*",
            "ecr-public:PutImage",
            "ecr:\u{212a}*",
            "ECR:Ä*",
            "ecr:",
            "",
            "ecr:GetAuthorizationToken",
            "ecr:List*",
        ];
        let check = |items: Vec<String>, negated: bool| {
            let a = Actions { negated, items };
            let known = Actions::resolve_entries(
                negated,
                a.items.iter().enumerate().map(|(k, x)| {
                    (
                        x.as_str(),
                        (k % 2 == 0).then(|| policy_catalogue::action_bits(x)),
                    )
                }),
            );
            assert_eq!(known, a.resolve(), "{a:?}");
            assert_eq!(known, by_definition(&a), "{a:?}");
        };
        for p in pieces {
            for negated in [false, true] {
                check(vec![p.to_owned()], negated);
            }
        }
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for _ in 0..500 {
            let len = next(12);
            let items = (0..len)
                .map(|_| pieces[next(pieces.len() as u64) as usize].to_owned())
                .collect();
            check(items, next(2) == 1);
        }
    }
}
