//! serde `Deserialize` for the model, for documents embedded in other serde data (YAML, TOML,
//! a JSON field). The value goes through `serde_json::Value` and then through the same reader
//! and checks as [`PolicyDocument::from_json`]: errors keep their JSON path, but line and
//! column refer to the re-written value, not to the original text.

use serde::de::{Deserialize, Deserializer, Error};

use super::error::ParseError;
use crate::model::document::PolicyDocument;
use crate::model::kinds::{IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
use crate::model::policy::RepositoryPolicy;
use crate::model::statement::Statement;

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        PolicyDocument::from_json(&value.to_string()).map_err(custom::<D::Error>)
    }
}

impl<'de> Deserialize<'de> for RepositoryPolicy {
    /// Deserialises a [`PolicyDocument`], then applies the rules of repository policies.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = PolicyDocument::deserialize(deserializer)?;
        RepositoryPolicy::try_from(doc).map_err(D::Error::custom)
    }
}

macro_rules! kind_deserialize {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            /// Deserialises a [`PolicyDocument`], then applies the rules of the kind (for a
            /// registry policy, under the default scope V2).
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let doc = PolicyDocument::deserialize(deserializer)?;
                <$ty>::try_from(doc).map_err(D::Error::custom)
            }
        }
    )*};
}

kind_deserialize!(RegistryPolicy, PublicRepositoryPolicy, IdentityPolicy);

impl<'de> Deserialize<'de> for Statement {
    /// Reads the statement as the only one of a document, through the same reader and checks.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if !value.is_object() {
            return Err(D::Error::custom(format!(
                "a statement is an object, not {value}"
            )));
        }
        let doc = PolicyDocument::from_json(&format!("{{\"Statement\":{value}}}"))
            .map_err(custom::<D::Error>)?;
        doc.statements
            .into_iter()
            .next()
            .ok_or_else(|| D::Error::custom("no statement"))
    }
}

fn custom<E: Error>(e: ParseError) -> E {
    let path = if e.path().is_empty() {
        String::new()
    } else {
        format!("at {}: ", e.path())
    };
    let hint = e
        .hint()
        .map(|h| format!(" (hint: {h})"))
        .unwrap_or_default();
    E::custom(format!("{path}{}{hint}", e.message()))
}
