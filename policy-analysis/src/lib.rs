//! Exact analysis of ECR repository policies: which callers can perform which actions on the
//! repository, and under which request context, with a witness request for every answer.
//!
//! The crate depends on `policy-catalogue` alone, so that both the `policy!` macro (while it
//! expands) and `policy-core` can use it.
//!
//! # The question and the answer
//!
//! A policy is given in a plain form ([`ir::Policy`]) that both the macro's syntax tree and
//! `policy-core`'s model lower into. [`Analyzer::new`] reads it with [`Options`]: the owning
//! account, other trusted accounts, the repository's region and ARN, and what to assume of the
//! callers' identity policies ([`IdentityPolicies`]). The analyzer divides callers into
//! [`CallerClass`]es that the policy cannot tell apart: every user, role and session it names,
//! the root user, an unnamed user and an unnamed role session of each account it names (the
//! owner included), the same three in an account it does not name, every service principal it
//! names, any other service principal, and the anonymous caller.
//!
//! [`Analyzer::decide`] answers one class and action with a [`Verdict`]: [`Verdict::Allowed`]
//! with a [`Grant`] (the evaluation rule it follows, the statements, a [`Certainty`] and a
//! [`Witness`]: a caller of the class and the context keys the conditions need, with values or
//! absent), or [`Verdict::Denied`] when no request of the class is allowed.
//! [`Analyzer::access`] answers every class and action, grouping the actions no statement
//! tells apart; [`Analyzer::dead_statements`] finds statements no request can satisfy;
//! [`Analyzer::satisfy`] solves a list of conditions for a class.
//!
//! [`findings`] judges the answers: public access, other accounts' access by access level,
//! the confused deputy, lock-outs and dead statements, each with its code and words, for the
//! lint of `policy-core` and for the `policy!` macro alike.
//! [`literal`] decides the policies whose answers their letters fix (named principals,
//! allows without conditions, literal account guards and address ranges) without the
//! searches, with the same findings.
//!
//! # Exact conditions
//!
//! Each condition test becomes a constraint on its key (see the `condition` rules): when the
//! key is missing, a quantifier over its values (`ForAllValues:` / `ForAnyValue:`, and the
//! default of positive and negated operators) and a set of values:
//! - strings and ARNs as automata ([`text`]): `StringEquals`, `StringLike` (with `*` and `?`),
//!   the `IgnoreCase` forms, and `ArnLike`/`ArnEquals` field by field; a conjunction of positive
//!   and negated tests is decided by a search over the product of the automata, intersected with
//!   the key's value domain (account ids are 12 digits, organization ids `o-` and 10 to 32
//!   lowercase letters or digits, organization paths, IAM names and paths, service principal
//!   names, ARN shapes; an `aws:SourceArn` is never an IAM or STS ARN);
//! - IP addresses as sets of IPv4 and IPv6 ranges ([`ranges::IpSet`]): a caller may come over
//!   either family;
//! - numbers (as ordered `f64` keys) and dates (milliseconds) as ranges; `Bool`; `Null`;
//!   `...IfExists`;
//! - keys AWS always sets (`aws:SecureTransport`, `aws:CurrentTime`, ...), keys set for some
//!   requests only (`aws:PrincipalOrgID` outside an organization, `aws:SourceIp` through a VPC
//!   endpoint, `aws:SourceAccount` for service principals acting for a resource), keys never
//!   set for a class (`aws:username` for roles), and the keys derived from the caller
//!   (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`,
//!   `aws:userid`, `aws:PrincipalServiceName`), from which the caller itself is chosen.
//!
//! Denies are escaped by falsifying one of their conditions: the search solves the allow's
//! conditions, finds a deny that holds for the witness, and branches on its conditions.
//!
//! # Outside the model: `Possible`, never `Certain`
//!
//! - tags (`aws:PrincipalTag/…`, `aws:RequestTag/…`, `aws:ResourceTag/…`, `aws:TagKeys`,
//!   `ecr:ResourceTag/…`), `ecr:AccountSetting`, and keys the catalogue does not know: solved as
//!   free text, but an answer that needs them present is `Possible` (one that needs them absent
//!   is not: a caller without tags exists);
//! - policy variables (`${aws:username}`) in values, under version `2012-10-17`;
//! - conditions on `aws:PrincipalArn` for a service principal (AWS does not document its value)
//!   that the key's absence and the service name do not both meet;
//! - pairs of keys the solver does not tie together when both are constrained
//!   (`aws:CurrentTime` with `aws:EpochTime`, `aws:PrincipalOrgID` with
//!   `aws:PrincipalOrgPaths`), when the witness is inconsistent (`aws:SourceAccount` and the
//!   account of `aws:SourceArn` are tied: one is solved again within the other);
//! - a `Resource` element that is not `*` when the repository ARN is not given;
//! - a search past its budget (product automata beyond 50,000 states, more than 256 solver
//!   calls to escape denies), which ordinary policies never reach.
//!
//! Not modelled at all (as in `policy_core::eval`): SCPs, RCPs, permission boundaries, session
//! policies, VPC endpoint policies; federated callers (a `Federated` principal covers no
//! class); characters whose lowercase is several characters are compared one by one.
//!
//! # Cost
//!
//! Reading is linear in the policy (equal action entries are resolved once, a name without
//! wildcards is a lookup); the analysis is linear in classes times relevant statements, with
//! one search per group of actions. What a search depends on is remembered per thread (the
//! answers per key and per caller, lowered conditions, the automata of domains), so questions
//! repeated across classes, probes and policies are asked once. A policy at ECR's limit of
//! 10,240 characters takes a few milliseconds in a release build (BENCHMARKS.md, "Policies at
//! ECR's size limit").
//!
//! ```
//! use policy_analysis::ir::{Actions, Effect, Policy, PrincipalItem, Principals, Statement};
//! use policy_analysis::{Analyzer, CallerClass, Options, Route};
//! use policy_catalogue::Action;
//!
//! let policy = Policy {
//!     variables: true,
//!     statements: vec![Statement {
//!         sid: Some("PartnerPull".into()),
//!         effect: Effect::Allow,
//!         principal: Some(Principals { negated: false, items: vec![PrincipalItem::aws("444455556666")] }),
//!         actions: Actions { negated: false, items: vec!["ecr:BatchGetImage".into()] },
//!         resources: None,
//!         conditions: vec![],
//!     }],
//! };
//! let analyzer = Analyzer::new(&policy, &Options { owner: Some("111122223333".into()), ..Options::default() });
//! let partner: Vec<_> = analyzer
//!     .access()
//!     .into_iter()
//!     .filter(|a| a.class.account().is_some_and(|acc| acc.id == "444455556666"))
//!     .collect();
//! assert!(partner.iter().all(|a| a.actions.iter().eq([Action::BatchGetImage])));
//! assert!(partner.iter().any(|a| matches!(a.class, CallerClass::Root { .. }) && a.grant.route == Route::RepositoryPolicy));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod access;
mod condition;
mod date;
pub mod findings;
pub mod ir;
mod keys;
pub mod literal;
mod live;
pub mod ranges;
mod solve;
#[cfg(test)]
mod test_random;
pub mod text;

pub use access::{
    Access, AccountClass, Analyzer, Assumption, CallerClass, Certainty, Grant, IdentityPolicies,
    Name, Options, Route, Verdict,
};
pub use condition::{parse_bool, parse_number};
pub use date::{format_date, parse_date};
pub use ranges::parse_cidr;
pub use solve::{Identity, Witness};
