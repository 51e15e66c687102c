//! The words of the DSL, and "did you mean" help for misspelt ones.

use policy_catalogue::{closest, Action, Bundle, ConditionOperator};

/// The principal kinds, in the order the documentation lists them.
pub const PRINCIPAL_KINDS: [&str; 8] = [
    "user", "role", "session", "account", "service", "anyone", "org", "arn",
];

/// The plain-word conditions.
pub const CONDITION_WORDS: [&str; 7] = [
    "source_account",
    "source_arn",
    "org",
    "principal_arn",
    "source_ip",
    "principal_tag",
    "secure_transport",
];

/// `"\nhelp: did you mean `x`?"` for the candidate closest to `input`, or nothing.
pub fn suggest(input: &str, candidates: &[&str]) -> String {
    closest(input, candidates.iter().copied())
        .filter(|c| *c != input)
        .map(|c| format!("\nhelp: did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Help for a misspelt condition operator, from the catalogue's own suggestion.
pub fn suggest_operator(input: &str) -> String {
    match input.parse::<ConditionOperator>() {
        Err(e) => e
            .suggestion
            .map(|s| format!("\nhelp: did you mean `{s}`?"))
            .unwrap_or_default(),
        Ok(op) if op.to_string() != input => format!("\nhelp: did you mean `{op}`?"),
        Ok(_) => String::new(),
    }
}

/// Whether `word` is a bundle keyword or an action name, i.e. begins an action list.
pub fn is_action_word(word: &str) -> bool {
    word == "ecr"
        || word == "except"
        || Bundle::ALL.iter().any(|b| b.keyword() == word)
        || Action::ALL.iter().any(|a| a.name() == word)
}

/// Every word an action slot accepts without quotes: bundle keywords, then action names.
pub fn action_words() -> Vec<&'static str> {
    Bundle::ALL
        .iter()
        .map(|b| b.keyword())
        .chain(Action::ALL.iter().map(|a| a.name()))
        .collect()
}
