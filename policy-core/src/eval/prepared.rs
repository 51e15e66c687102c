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
    /// A short description: effect, principal, actions in brief.
    pub(crate) description: String,
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
        let mut bits = 0u128;
        for action in Action::ALL {
            if items.iter().any(|item| item_covers(item, action.as_str())) {
                bits |= 1 << action.index();
            }
        }
        PreparedStatement {
            index,
            sid: s.sid.as_ref().map(|s| s.as_str().to_owned()),
            description: describe(s),
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

/// `Deny *: ecr:DeleteRepository, ecr:BatchDeleteImage`, `Allow everyone but
/// arn:aws:iam::123456789012:role/admin: ecr:* on *`: the effect, the principal (the first of
/// several), the actions (the first two) and the resource when there is one.
fn describe(s: &Statement) -> String {
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
    let mut out = s.effect.as_str().to_owned();
    if let Some(p) = &s.principal {
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
    match &s.action {
        Some(a) if !a.actions.is_empty() => {
            if a.negated {
                out.push_str("every action but ");
            }
            brief(&mut out, &a.actions, 2);
        }
        _ => out.push_str("no action"),
    }
    if let Some(r) = &s.resource {
        out.push_str(if r.negated { " on all but " } else { " on " });
        brief(&mut out, &r.resources, 1);
    }
    out
}
