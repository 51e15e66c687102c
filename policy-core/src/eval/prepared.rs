//! Policies read once into the form the evaluator checks requests against.
//!
//! A prepared statement borrows the statement it was made from (or owns it, when the evaluator
//! was given the policy by value, shared by the evaluator's copies) and adds only what makes a decision quick: the catalogue
//! actions its `Action` entries cover as one bit set, a key for each listed principal (so that
//! a statement naming someone else is passed over without comparing names), and the parsed
//! form of condition values that are not compared as text.

use std::borrow::Cow;

use policy_catalogue::{wildcard_match, Action};

use crate::model::action::ActionItem;
use crate::model::document::PolicyDocument;
use crate::model::statement::{PrincipalElement, Statement};
use crate::model::version::Effect;

use super::condition::{
    parse_policy_value, reads_as_text, ContextSource, Parsed, PreparedCondition, Tri,
};
use super::keys::{
    is_exact_account, key_slot, principal_id, principal_key, CallerKeys, EVERYONE, NOBODY,
    NOT_INTERNED, NO_SLOT,
};
use super::principal_match::{element_matches, principal_matches, PrincipalMatch};
use super::request::{Caller, RequestAction};
use crate::model::kind::PolicyKind;

// The catalogue's actions fit one bit set.
const _: () = assert!(Action::ALL.len() <= 128);

#[derive(Clone, Debug)]
pub(crate) struct PreparedPolicy<'d> {
    pub(crate) kind: PolicyKind,
    pub(crate) statements: Vec<PreparedStatement<'d>>,
}

impl<'d> PreparedPolicy<'d> {
    pub(crate) fn new(kind: PolicyKind, document: &'d PolicyDocument) -> Self {
        Self::of(kind, Cow::Borrowed(document))
    }

    /// A policy read from a borrowed document, or from an owned one whose statements it keeps.
    pub(crate) fn of(kind: PolicyKind, document: Cow<'d, PolicyDocument>) -> Self {
        let statements = match document {
            Cow::Borrowed(d) => d
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| PreparedStatement::new(kind, i, Cow::Borrowed(s)))
                .collect(),
            Cow::Owned(d) => d
                .statements
                .into_iter()
                .enumerate()
                .map(|(i, s)| PreparedStatement::new(kind, i, Cow::Owned(s)))
                .collect(),
        };
        PreparedPolicy { kind, statements }
    }
}

/// The most principals a statement lists for which keys are kept; a statement listing more
/// is matched by comparing each of them.
const KEYED_PRINCIPALS: usize = 4;

/// How a statement's `Principal` is matched.
#[derive(Clone, Copy, Debug)]
enum Principals {
    /// No `Principal`/`NotPrincipal` element.
    Absent,
    /// A `Principal` of at most [`KEYED_PRINCIPALS`] entries, one key each
    /// ([`principal_key`]), in the element's order.
    Keyed {
        len: u8,
        keys: [u64; KEYED_PRINCIPALS],
        /// The interned id of each principal's identity ([`principal_id`]).
        ids: [u32; KEYED_PRINCIPALS],
    },
    /// `NotPrincipal`, more entries, or an entry only a comparison decides.
    Compared,
}

#[derive(Clone, Debug)]
pub(crate) struct PreparedStatement<'d> {
    pub(crate) index: usize,
    pub(crate) effect: Effect,
    statement: Held<'d>,
    /// `NotAction`.
    action_negated: bool,
    /// Whether the statement has a non-empty `Action`/`NotAction`.
    has_action: bool,
    /// The catalogue actions the listed items cover, by [`Action::index`].
    action_bits: u128,
    /// [`covers_action`](Self::covers_action) for every catalogue action, by [`Action::index`].
    ecr_actions: u128,
    principals: Principals,
    /// The bits of [`CallerKeys::mask`] a caller covered by the principal can have: all of
    /// them for `"*"` and for principals only a comparison decides.
    principal_mask: u64,
    /// Whether `Resource`/`NotResource` covers every target, the repository of any request
    /// and `"*"` alike: a repository policy's statement without one, or `"Resource": "*"`.
    every_resource: bool,
    /// The slots ([`key_slot`]) of the keys of the first [`SLOTTED_TESTS`] condition tests;
    /// later tests find their key by name.
    slots: [u8; SLOTTED_TESTS],
    /// The condition values of every test in order, read in their operator's type; empty
    /// when every test compares text, which needs nothing read.
    parsed: Box<[Parsed]>,
}

/// The condition tests of a statement whose key slots are kept.
const SLOTTED_TESTS: usize = 4;

/// The statement a prepared statement reads: borrowed, or owned and shared, so that a copy of
/// an evaluator that was given its policy by value copies no statement.
#[derive(Clone, Debug)]
enum Held<'d> {
    Borrowed(&'d Statement),
    Shared(std::sync::Arc<Statement>),
}

impl std::ops::Deref for Held<'_> {
    type Target = Statement;

    fn deref(&self) -> &Statement {
        match self {
            Held::Borrowed(s) => s,
            Held::Shared(s) => s,
        }
    }
}

impl<'d> PreparedStatement<'d> {
    fn new(kind: PolicyKind, index: usize, statement: Cow<'d, Statement>) -> Self {
        let s: &Statement = &statement;
        let principals = principals_of(s.principal.as_ref());
        let principal_mask = match principals {
            Principals::Absent => 0,
            Principals::Keyed { len, keys, .. } => {
                keys[..usize::from(len)]
                    .iter()
                    .fold(0, |mask, key| match *key {
                        EVERYONE => u64::MAX,
                        NOBODY => mask,
                        key => mask | CallerKeys::mask_bit(key),
                    })
            }
            Principals::Compared => u64::MAX,
        };
        let items: &[ActionItem] = s.action.as_ref().map_or(&[], |a| &a.actions[..]);
        let bits = items
            .iter()
            .fold(0u128, |bits, item| bits | covered_bits(item));
        let tests = s.condition.tests();
        let mut slots = [NO_SLOT; SLOTTED_TESTS];
        for (slot, test) in slots.iter_mut().zip(tests) {
            *slot = key_slot(test.key.as_str());
        }
        let every_resource = match &s.resource {
            None => kind == PolicyKind::Repository,
            Some(r) => {
                !r.negated
                    && r.resources
                        .iter()
                        .any(|p| !p.is_empty() && p.bytes().all(|b| b == b'*'))
            }
        };
        let parsed: Box<[Parsed]> = if tests.iter().all(|t| reads_as_text(t.operator.operator)) {
            Box::default()
        } else {
            tests
                .iter()
                .flat_map(|t| {
                    t.values
                        .iter()
                        .map(|v| parse_policy_value(t.operator.operator, &v.as_text()))
                })
                .collect()
        };
        PreparedStatement {
            index,
            effect: s.effect,
            action_negated: s.action.as_ref().is_some_and(|a| a.negated),
            has_action: !items.is_empty(),
            action_bits: bits,
            ecr_actions: match (
                items.is_empty(),
                s.action.as_ref().is_some_and(|a| a.negated),
            ) {
                (true, _) => 0,
                (false, false) => bits,
                (false, true) => !bits & ALL_BITS,
            },
            principals,
            principal_mask,
            every_resource,
            slots,
            parsed,
            statement: match statement {
                Cow::Borrowed(s) => Held::Borrowed(s),
                Cow::Owned(s) => Held::Shared(std::sync::Arc::new(s)),
            },
        }
    }

    pub(crate) fn sid(&self) -> Option<&str> {
        self.statement.sid.as_ref().map(|s| s.as_str())
    }

    pub(crate) fn principal(&self) -> Option<&PrincipalElement> {
        self.statement.principal.as_ref()
    }

    pub(crate) fn action_items(&self) -> &[ActionItem] {
        self.statement
            .action
            .as_ref()
            .map_or(&[], |a| &a.actions[..])
    }

    /// `(NotResource, patterns)`.
    pub(crate) fn resources(&self) -> Option<(bool, &[String])> {
        self.statement
            .resource
            .as_ref()
            .map(|r| (r.negated, &r.resources[..]))
    }

    /// The condition tests, in order.
    pub(crate) fn conditions(&self) -> impl Iterator<Item = PreparedCondition<'_>> + '_ {
        let mut at = 0;
        self.statement
            .condition
            .tests()
            .iter()
            .enumerate()
            .map(move |(i, test)| {
                let parsed = self.parsed.get(at..at + test.values.len()).unwrap_or(&[]);
                at += test.values.len();
                let slot = self.slots.get(i).copied().unwrap_or(NO_SLOT);
                PreparedCondition::new(test, parsed).with_slot(slot)
            })
    }

    /// Whether `Action`/`NotAction` covers the catalogue action of this [`Action::index`].
    #[inline]
    pub(crate) fn covers_ecr_action(&self, index: usize) -> bool {
        self.ecr_actions >> index & 1 != 0
    }

    /// Whether the principal may cover a caller with these keys: false only when it cannot.
    #[inline]
    pub(crate) fn may_cover(&self, keys: &CallerKeys) -> bool {
        self.principal_mask & keys.mask() != 0
    }

    /// Whether `Action`/`NotAction` covers the action. Action names ignore case.
    pub(crate) fn covers_action(&self, action: &RequestAction) -> bool {
        if !self.has_action {
            return false;
        }
        let listed = match action {
            RequestAction::Ecr(a) => self.action_bits & (1 << a.index()) != 0,
            RequestAction::Other(text) => self.action_items().iter().any(|i| item_covers(i, text)),
        };
        listed != self.action_negated
    }

    /// How the statement's principal covers the caller. Identity-policy statements are about
    /// the identity they are attached to, so they always cover it (a `Principal` element in
    /// an identity policy, which IAM refuses, is ignored).
    pub(crate) fn principal_match(&self, kind: PolicyKind, caller: &Caller) -> PrincipalMatch {
        match kind {
            PolicyKind::Identity => PrincipalMatch::Direct,
            PolicyKind::Repository | PolicyKind::Registry | PolicyKind::PublicRepository => self
                .principal()
                .map_or(PrincipalMatch::No, |p| element_matches(p, caller)),
        }
    }

    /// [`principal_match`](Self::principal_match), comparing only the listed principals whose
    /// key is one of the caller's: the others cannot cover it.
    #[inline]
    pub(crate) fn principal_match_keyed(
        &self,
        kind: PolicyKind,
        caller: &Caller,
        keys: &CallerKeys,
    ) -> PrincipalMatch {
        if kind == PolicyKind::Identity {
            return PrincipalMatch::Direct;
        }
        match &self.principals {
            Principals::Absent => PrincipalMatch::No,
            Principals::Compared => self.principal_match(kind, caller),
            Principals::Keyed {
                len,
                keys: listed,
                ids,
            } => {
                let mut best = PrincipalMatch::No;
                for (j, key) in listed[..usize::from(*len)].iter().enumerate() {
                    if *key == EVERYONE {
                        return PrincipalMatch::Direct;
                    }
                    let Some(at) = keys.position(*key) else {
                        continue;
                    };
                    let (listed_id, caller_id) = (ids[j], keys.id(at));
                    let m = if is_exact_account(*key) {
                        // The caller's own account: nothing left to compare.
                        if matches!(caller, Caller::Root { .. }) {
                            PrincipalMatch::Direct
                        } else {
                            PrincipalMatch::Account
                        }
                    } else if listed_id != NOT_INTERNED && caller_id != NOT_INTERNED {
                        // Both exact: the same id is the same user, role, session or service.
                        if listed_id == caller_id {
                            PrincipalMatch::Direct
                        } else {
                            PrincipalMatch::No
                        }
                    } else {
                        self.compare_listed(j, caller)
                    };
                    if m == PrincipalMatch::Direct {
                        return m;
                    }
                    best = best.max(m);
                }
                best
            }
        }
    }

    /// How the `j`th listed principal covers the caller, compared field by field: kept out of
    /// the quick path, which compares keys and ids only.
    #[inline(never)]
    fn compare_listed(&self, j: usize, caller: &Caller) -> PrincipalMatch {
        match self.principal().and_then(|e| e.principals.get(j)) {
            Some(p) => principal_matches(p, caller),
            None => PrincipalMatch::No,
        }
    }

    /// Whether `Resource`/`NotResource` covers the target: the repository ARN, or `"*"` for an
    /// action without a resource. A repository-policy statement without `Resource` is about
    /// its repository; an identity-policy statement without one covers nothing.
    #[inline]
    pub(crate) fn covers_resource(&self, kind: PolicyKind, target: &str) -> bool {
        self.every_resource || self.resource_patterns_cover(kind, target)
    }

    fn resource_patterns_cover(&self, kind: PolicyKind, target: &str) -> bool {
        let Some((negated, patterns)) = self.resources() else {
            return kind == PolicyKind::Repository;
        };
        let listed = patterns.iter().any(|p| {
            if target == "*" {
                // An action without a resource is granted only on "*".
                !p.is_empty() && p.bytes().all(|b| b == b'*')
            } else {
                wildcard_match(p, target, false)
            }
        });
        listed != negated
    }

    /// All conditions together: false if one is false, else unknown if one is unknown.
    #[inline]
    pub(crate) fn conditions_hold<C: ContextSource + ?Sized>(&self, context: &C) -> Tri {
        if self.statement.condition.is_empty() {
            return Tri::True;
        }
        self.every_condition_holds(context)
    }

    fn every_condition_holds<C: ContextSource + ?Sized>(&self, context: &C) -> Tri {
        let mut result = Tri::True;
        for c in self.conditions() {
            match c.evaluate(context) {
                Tri::False => return Tri::False,
                Tri::Unknown => result = Tri::Unknown,
                Tri::True => {}
            }
        }
        result
    }
}

fn principals_of(element: Option<&PrincipalElement>) -> Principals {
    let Some(element) = element else {
        return Principals::Absent;
    };
    if element.negated || element.principals.len() > KEYED_PRINCIPALS {
        return Principals::Compared;
    }
    let mut keys = [NOBODY; KEYED_PRINCIPALS];
    let mut ids = [NOT_INTERNED; KEYED_PRINCIPALS];
    for ((key, id), p) in keys.iter_mut().zip(&mut ids).zip(element.principals.iter()) {
        match principal_key(p) {
            Some(k) => {
                *key = k;
                *id = principal_id(p, k);
            }
            None => return Principals::Compared,
        }
    }
    Principals::Keyed {
        len: element.principals.len() as u8,
        keys,
        ids,
    }
}

/// Every catalogue action, as bits by [`Action::index`].
const ALL_BITS: u128 = if Action::ALL.len() == 128 {
    u128::MAX
} else {
    (1 << Action::ALL.len()) - 1
};

/// The catalogue actions an `Action` entry covers, by [`Action::index`]: the same answer as
/// [`item_covers`] for every catalogue action, without comparing each name with the entry.
fn covered_bits(item: &ActionItem) -> u128 {
    match item {
        ActionItem::Ecr(a) => 1 << a.index(),
        // `ecr-public:` names never equal `ecr:` names.
        ActionItem::Public(_) => 0,
        ActionItem::Pattern(p) => {
            let text = p.as_str();
            match text.split_once(':') {
                // A pattern's service holds no wildcard: another service covers nothing.
                Some((service, _)) if service != "ecr" => 0,
                Some((_, name)) if name.bytes().all(|b| b == b'*') => ALL_BITS,
                None if text == "*" => ALL_BITS,
                _ => policy_catalogue::action_bits(text),
            }
        }
        ActionItem::Other(s) => {
            if s.bytes().any(|b| b == b'*' || b == b'?' || !b.is_ascii()) {
                // Rare (`ECR:batch*`, or text whose Unicode case folding matters): compare
                // with every name, as a request for it would.
                policy_catalogue::action_bits(s)
            } else {
                // Without a wildcard the entry covers at most the action of that name.
                s.get(..4)
                    .filter(|prefix| prefix.eq_ignore_ascii_case("ecr:"))
                    .and_then(|_| Action::from_name(&s[4..]))
                    .map_or(0, |a| 1 << a.index())
            }
        }
    }
}

/// Whether an `Action` entry covers an action name. Names ignore case; `*` and `?` are
/// wildcards even in entries the catalogue does not recognise (`ECR:batch*`).
fn item_covers(item: &ActionItem, action: &str) -> bool {
    match item {
        ActionItem::Ecr(a) => a.as_str().eq_ignore_ascii_case(action),
        ActionItem::Public(a) => a.as_str().eq_ignore_ascii_case(action),
        ActionItem::Pattern(p) => p.matches(action),
        ActionItem::Other(s) => wildcard_match(s, action, true),
    }
}

impl PreparedStatement<'_> {
    /// `Deny *: ecr:DeleteRepository, ecr:BatchDeleteImage`, `Allow everyone but
    /// arn:aws:iam::123456789012:role/admin: ecr:* on *`: the effect, the principal (the first
    /// of several), the actions (the first two) and the resource when there is one. Written
    /// only when a decision is explained, so that preparing a policy formats nothing.
    pub(crate) fn description(&self) -> String {
        fn brief<T: std::fmt::Display>(out: &mut String, items: &[T], shown: usize) {
            for (i, item) in items.iter().take(shown).enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&item.to_string());
            }
            if items.len() > shown {
                out.push_str(&format!(" and {} more", items.len() - shown));
            }
        }
        let mut out = self.effect.as_str().to_owned();
        if let Some(p) = self.principal() {
            out.push(' ');
            if p.negated {
                out.push_str("everyone but ");
            }
            if p.principals.is_empty() {
                out.push_str("no principal");
            } else {
                brief(&mut out, &p.principals, 1);
            }
            out.push(':');
        }
        out.push(' ');
        if self.has_action {
            if self.action_negated {
                out.push_str("every action but ");
            }
            brief(&mut out, self.action_items(), 2);
        } else {
            out.push_str("no action");
        }
        if let Some((negated, resources)) = self.resources() {
            out.push_str(if negated { " on all but " } else { " on " });
            brief(&mut out, resources, 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::principal::{AwsPrincipal, Principal};

    /// Keys pick the principals worth comparing without changing any answer: every listed
    /// principal against every caller, keyed and compared one by one.
    #[test]
    fn keyed_principal_match_agrees_with_comparing_every_principal() {
        use crate::model::names::{AccountId, RoleName, ServiceName, SessionName, UserName};
        let account = || AccountId::new("123456789012").unwrap();
        let other = || AccountId::new("210987654321").unwrap();
        let principals = [
            "*",
            "123456789012",
            "210987654321",
            "arn:aws:iam::123456789012:root",
            "arn:aws-cn:iam::123456789012:root",
            "arn:aws:iam::123456789012:user/ci",
            "arn:aws:iam::123456789012:user/CI",
            "arn:aws:iam::123456789012:user/team/ci",
            "arn:aws:iam::210987654321:user/ci",
            "arn:aws:iam::123456789012:user/continuous-integration-user",
            "arn:aws:iam::123456789012:role/deployer",
            "arn:aws:iam::123456789012:role/Deployer",
            "arn:aws:iam::123456789012:role/ops/deployer",
            "arn:aws:sts::123456789012:assumed-role/deployer/run-42",
            "arn:aws:sts::123456789012:assumed-role/DEPLOYER/run-42",
            "arn:aws:sts::123456789012:assumed-role/deployer/RUN-42",
            "arn:aws:sts::123456789012:federated-user/alice",
            "AIDAEXAMPLEUNIQUEID",
        ];
        let callers = [
            Caller::user(account(), UserName::new("ci").unwrap()),
            Caller::user(account(), UserName::new("Ci").unwrap()),
            Caller::user(other(), UserName::new("ci").unwrap()),
            Caller::user(
                account(),
                UserName::new("continuous-integration-user").unwrap(),
            ),
            Caller::from_arn("arn:aws:iam::123456789012:user/team/ci").unwrap(),
            Caller::assumed_role(
                account(),
                RoleName::new("deployer").unwrap(),
                SessionName::new("run-42").unwrap(),
            ),
            Caller::assumed_role(
                account(),
                RoleName::new("Deployer").unwrap(),
                SessionName::new("run-43").unwrap(),
            ),
            Caller::from_arn("arn:aws:sts::123456789012:assumed-role/deployer/RUN-42").unwrap(),
            Caller::federated_user(account(), "alice").unwrap(),
            Caller::root(account()),
            Caller::root(other()),
            Caller::service(ServiceName::new("codebuild.amazonaws.com").unwrap()),
        ];
        let listed: Vec<Principal> = principals
            .iter()
            .map(|p| {
                Principal::Aws(
                    p.parse()
                        .unwrap_or_else(|_| AwsPrincipal::Other((*p).to_owned())),
                )
            })
            .chain([
                Principal::Anyone,
                Principal::Service(ServiceName::new("codebuild.amazonaws.com").unwrap()),
                Principal::Service(ServiceName::new("lambda.amazonaws.com").unwrap()),
                Principal::Federated("cognito-identity.amazonaws.com".to_owned()),
            ])
            .collect();
        // One principal at a time, then every window of three, then all of them (compared).
        let mut elements: Vec<Vec<Principal>> = listed.iter().map(|p| vec![p.clone()]).collect();
        elements.extend(listed.windows(3).map(<[Principal]>::to_vec));
        elements.push(listed.clone());
        for principals in elements {
            for negated in [false, true] {
                let element = PrincipalElement {
                    negated,
                    principals: principals.iter().cloned().collect(),
                    empty_keys: Vec::new(),
                };
                let mut statement = Statement::new(Effect::Allow);
                statement.principal = Some(element);
                let prepared =
                    PreparedStatement::new(PolicyKind::Repository, 0, Cow::Owned(statement));
                for caller in &callers {
                    // With the ids of the names the statement interned, and without, as for
                    // a request built before the policy was prepared.
                    for keys in [caller.keys(), caller.keys().without_ids()] {
                        let keyed = if prepared.may_cover(&keys) {
                            prepared.principal_match_keyed(PolicyKind::Repository, caller, &keys)
                        } else {
                            PrincipalMatch::No
                        };
                        assert_eq!(
                            keyed,
                            prepared.principal_match(PolicyKind::Repository, caller),
                            "{principals:?} (negated: {negated}) for {caller}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn covered_bits_agree_with_comparing_every_name() {
        let entries = [
            "ecr:PutImage",
            "ECR:putimage",
            "ecr-public:PutImage",
            "*",
            "ecr:*",
            "ecr:**",
            "ecr:Batch*",
            "ecr:batch*",
            "ECR:BATCHGET*",
            "ecr:Batch*Image*",
            "ecr:PutImage*",
            "e*",
            "ecr:Get?*Policy",
            "ecr:?*",
            "ecr-public:*",
            "s3:*",
            "s3:GetObject",
            "ECR:batch*",
            "Ecr:*",
            "ecr:NoSuchAction",
            "ecr:PutImag",
            "ecr:",
            "ecr",
            "",
            "ecr:Put\u{0130}mage",
            "ecr:\u{212A}*",
            "*Image",
        ];
        for text in entries {
            let item = ActionItem::parse(text);
            let by_name = Action::ALL
                .iter()
                .filter(|a| item_covers(&item, a.as_str()))
                .fold(0u128, |bits, a| bits | 1 << a.index());
            assert_eq!(covered_bits(&item), by_name, "{text:?} as {item:?}");
            // The same text kept as written, whatever it parses to.
            let other = ActionItem::Other(text.to_owned());
            let by_name = Action::ALL
                .iter()
                .filter(|a| item_covers(&other, a.as_str()))
                .fold(0u128, |bits, a| bits | 1 << a.index());
            assert_eq!(covered_bits(&other), by_name, "{text:?} kept as written");
        }
        assert_eq!(covered_bits(&ActionItem::parse("*")).count_ones(), 60);
    }
}
