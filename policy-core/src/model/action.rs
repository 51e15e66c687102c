//! Entries of an `Action` or `NotAction` element.

use std::cmp::Ordering;
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use policy_catalogue::{Action, ActionPattern, PublicAction};

/// One entry of an `Action` or `NotAction` list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ActionItem {
    /// A catalogue `ecr:` action.
    Ecr(Action),
    /// A catalogue `ecr-public:` action.
    Public(PublicAction),
    /// A wildcard pattern such as `ecr:Batch*` or `*`.
    Pattern(ActionPattern),
    /// Text that is none of the above (another service's action, or an unknown name), kept as
    /// written so that a policy read from JSON can be linted and written back unchanged.
    Other(String),
}

impl ActionItem {
    /// Reads an action, public action or pattern; anything else becomes [`ActionItem::Other`].
    ///
    /// ```
    /// use policy_core::Action;
    /// use policy_core::model::ActionItem;
    /// assert_eq!(ActionItem::parse("ecr:putimage"), ActionItem::Ecr(Action::PutImage));
    /// assert!(matches!(ActionItem::parse("ecr:Batch*"), ActionItem::Pattern(_)));
    /// assert!(matches!(ActionItem::parse("s3:GetObject"), ActionItem::Other(_)));
    /// ```
    #[must_use]
    pub fn parse(text: &str) -> Self {
        // Catalogue names hold no wildcard, so look them up before scanning for one; they are
        // letters, so text ending in a wildcard (as most patterns do) is not looked up.
        let named = !matches!(text.as_bytes().last(), Some(b'*' | b'?'));
        if has_ecr_prefix(text) {
            if let Some(a) = text.get(4..).filter(|_| named).and_then(Action::from_name) {
                return ActionItem::Ecr(a);
            }
        } else if has_prefix_ignore_case(text, "ecr-public:") {
            if let Some(a) = text
                .get(11..)
                .filter(|_| named)
                .and_then(PublicAction::from_name)
            {
                return ActionItem::Public(a);
            }
        }
        if let Some(p) = ActionPattern::of(text) {
            return ActionItem::Pattern(p);
        }
        ActionItem::Other(text.to_owned())
    }

    /// The text written in JSON.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            ActionItem::Ecr(a) => a.as_str(),
            ActionItem::Public(a) => a.as_str(),
            ActionItem::Pattern(p) => p.as_str(),
            ActionItem::Other(s) => s,
        }
    }

    /// Whether this entry covers the `ecr:` action `action` (case-insensitively for patterns
    /// and other text, as AWS matches action names).
    #[must_use]
    pub fn covers(&self, action: Action) -> bool {
        match self {
            ActionItem::Ecr(a) => *a == action,
            ActionItem::Public(_) => false,
            ActionItem::Pattern(p) => p.matches(action.as_str()),
            ActionItem::Other(s) => s.eq_ignore_ascii_case(action.as_str()),
        }
    }

    /// Sort key of the canonical statement order: catalogue actions by [`Action::rank`], then
    /// public actions, then patterns and other text by their text.
    fn order_key(&self) -> (u8, u8, &str) {
        match self {
            ActionItem::Ecr(a) => (0, a.rank(), ""),
            ActionItem::Public(a) => (1, 0, a.as_str()),
            ActionItem::Pattern(p) => (2, 0, p.as_str()),
            ActionItem::Other(s) => (3, 0, s),
        }
    }
}

/// Whether `text` starts with `ecr:` in any letter case: the letters with bit 5 set, the colon
/// as it is, in one comparison of four bytes.
fn has_ecr_prefix(text: &str) -> bool {
    text.as_bytes()
        .first_chunk::<4>()
        .is_some_and(|p| u32::from_le_bytes(*p) | 0x0020_2020 == u32::from_le_bytes(*b"ecr:"))
}

fn has_prefix_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

impl PartialOrd for ActionItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ActionItem {
    /// The canonical statement order (see [`Action::rank`]).
    fn cmp(&self, other: &Self) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl FromStr for ActionItem {
    type Err = Infallible;

    /// [`ActionItem::parse`]: every text is an action entry, if only [`ActionItem::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ActionItem::parse(s))
    }
}

impl fmt::Display for ActionItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Action> for ActionItem {
    fn from(a: Action) -> Self {
        ActionItem::Ecr(a)
    }
}

impl From<PublicAction> for ActionItem {
    fn from(a: PublicAction) -> Self {
        ActionItem::Public(a)
    }
}

impl From<ActionPattern> for ActionItem {
    fn from(p: ActionPattern) -> Self {
        ActionItem::Pattern(p)
    }
}

#[cfg(test)]
mod tests {
    use super::{has_ecr_prefix, has_prefix_ignore_case, ActionItem};
    use policy_catalogue::{Action, ActionPattern, PublicAction};

    /// [`ActionItem::parse`] as it was, looking every `ecr:` and `ecr-public:` text up.
    fn parse_by_lookup(text: &str) -> ActionItem {
        if has_ecr_prefix(text) {
            if let Some(a) = Action::from_name(&text[4..]) {
                return ActionItem::Ecr(a);
            }
        } else if has_prefix_ignore_case(text, "ecr-public:") {
            if let Some(a) = PublicAction::from_name(&text[11..]) {
                return ActionItem::Public(a);
            }
        }
        if let Some(p) = ActionPattern::of(text) {
            return ActionItem::Pattern(p);
        }
        ActionItem::Other(text.to_owned())
    }

    /// Text ending in a wildcard is no catalogue name: entries are read as by looking every
    /// one up, on each catalogue name in three letter cases with its end made `*` or `?` or
    /// followed by one, and on random texts of letters, wildcards and the services' prefixes.
    #[test]
    fn entries_ending_in_a_wildcard_are_read_as_by_lookup() {
        let mut texts = vec![
            String::new(),
            "*".to_owned(),
            "?".to_owned(),
            "ecr:".to_owned(),
            "ecr:*".to_owned(),
            "ecr-public:".to_owned(),
            "ecr-public:?".to_owned(),
        ];
        let names = Action::ALL
            .iter()
            .map(|a| a.as_str())
            .chain(PublicAction::ALL.iter().map(|a| a.as_str()));
        for name in names {
            let cut = &name[..name.len() - 1];
            for text in [
                name.to_owned(),
                name.to_ascii_uppercase(),
                name.to_ascii_lowercase(),
            ] {
                texts.extend([
                    format!("{text}*"),
                    format!("{text}?"),
                    format!("{cut}*"),
                    format!("{cut}?"),
                    text,
                ]);
            }
        }
        let pieces = [
            "ecr:",
            "ECR:",
            "ecr-public:",
            "Ecr-Public:",
            "s3:",
            "Get",
            "Image",
            "put",
            "*",
            "?",
            "a",
            "Z",
            "0",
            "é",
            ":",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..seed % 6 {
                text.push_str(pieces[((seed >> (8 * k + 8)) % pieces.len() as u64) as usize]);
            }
            texts.push(text);
        }
        for text in &texts {
            assert_eq!(ActionItem::parse(text), parse_by_lookup(text), "{text:?}");
        }
    }
}
