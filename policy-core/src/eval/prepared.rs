//! Policies read once into the form the evaluator checks requests against.

use policy_catalogue::{wildcard_match, Action};

use crate::model::action::ActionItem;
use crate::model::document::PolicyDocument;
use crate::model::statement::{PrincipalElement, Statement};
use crate::model::version::Effect;

use super::condition::{ContextSource, PreparedCondition, Tri};
use super::principal_match::{element_matches, PrincipalMatch};
use super::request::{Caller, RequestAction};
use crate::model::kind::PolicyKind;

// The catalogue's actions fit one bit set.
const _: () = assert!(Action::ALL.len() <= 128);

#[derive(Clone, Debug)]
pub(crate) struct PreparedPolicy {
    pub(crate) kind: PolicyKind,
    pub(crate) statements: Vec<PreparedStatement>,
}

impl PreparedPolicy {
    pub(crate) fn new(kind: PolicyKind, document: &PolicyDocument) -> Self {
        PreparedPolicy {
            kind,
            statements: document
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| PreparedStatement::new(i, s))
                .collect(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct PreparedStatement {
    pub(crate) index: usize,
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<PrincipalElement>,
    /// `NotAction`.
    action_negated: bool,
    /// Whether the statement has a non-empty `Action`/`NotAction`.
    has_action: bool,
    /// The catalogue actions the listed items cover, by [`Action::index`].
    action_bits: u128,
    pub(crate) action_items: Vec<ActionItem>,
    /// `(NotResource, patterns)`.
    pub(crate) resources: Option<(bool, Vec<String>)>,
    pub(crate) conditions: Vec<PreparedCondition>,
}

impl PreparedStatement {
    fn new(index: usize, s: &Statement) -> Self {
        let items: Vec<ActionItem> = s
            .action
            .as_ref()
            .map(|a| a.actions.to_vec())
            .unwrap_or_default();
        let bits = items
            .iter()
            .fold(0u128, |bits, item| bits | covered_bits(item));
        PreparedStatement {
            index,
            sid: s.sid.as_ref().map(|s| s.as_str().to_owned()),
            effect: s.effect,
            principal: s.principal.clone(),
            action_negated: s.action.as_ref().is_some_and(|a| a.negated),
            has_action: !items.is_empty(),
            action_bits: bits,
            action_items: items,
            resources: s
                .resource
                .as_ref()
                .map(|r| (r.negated, r.resources.to_vec())),
            conditions: s
                .condition
                .tests()
                .iter()
                .map(PreparedCondition::new)
                .collect(),
        }
    }

    /// Whether `Action`/`NotAction` covers the action. Action names ignore case.
    pub(crate) fn covers_action(&self, action: &RequestAction) -> bool {
        if !self.has_action {
            return false;
        }
        let listed = match action {
            RequestAction::Ecr(a) => self.action_bits & (1 << a.index()) != 0,
            RequestAction::Other(text) => self.action_items.iter().any(|i| item_covers(i, text)),
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
                .principal
                .as_ref()
                .map_or(PrincipalMatch::No, |p| element_matches(p, caller)),
        }
    }

    /// Whether `Resource`/`NotResource` covers the target: the repository ARN, or `"*"` for an
    /// action without a resource. A repository-policy statement without `Resource` is about
    /// its repository; an identity-policy statement without one covers nothing.
    pub(crate) fn covers_resource(&self, kind: PolicyKind, target: &str) -> bool {
        let Some((negated, patterns)) = &self.resources else {
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
        listed != *negated
    }

    /// All conditions together: false if one is false, else unknown if one is unknown.
    pub(crate) fn conditions_hold<C: ContextSource + ?Sized>(&self, context: &C) -> Tri {
        let mut result = Tri::True;
        for c in &self.conditions {
            match c.evaluate(context) {
                Tri::False => return Tri::False,
                Tri::Unknown => result = Tri::Unknown,
                Tri::True => {}
            }
        }
        result
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
    let matching = |covers: &dyn Fn(&str) -> bool| {
        Action::ALL
            .iter()
            .filter(|a| covers(a.as_str()))
            .fold(0u128, |bits, a| bits | 1 << a.index())
    };
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
                _ => matching(&|action| p.matches(action)),
            }
        }
        ActionItem::Other(s) => {
            if s.bytes().any(|b| b == b'*' || b == b'?' || !b.is_ascii()) {
                // Rare (`ECR:batch*`, or text whose Unicode case folding matters): compare
                // with every name, as a request for it would.
                matching(&|action| wildcard_match(s, action, true))
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

impl PreparedStatement {
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
        if let Some(p) = &self.principal {
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
            brief(&mut out, &self.action_items, 2);
        } else {
            out.push_str("no action");
        }
        if let Some((negated, resources)) = &self.resources {
            out.push_str(if *negated { " on all but " } else { " on " });
            brief(&mut out, resources, 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
