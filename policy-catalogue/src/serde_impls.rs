//! `serde` support: actions serialize as their policy text (`"ecr:PutImage"`) and
//! deserialize through `FromStr`, so any letter case is accepted.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{Deserialize, Deserializer, Error, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::{Action, Bundle, PublicAction};

/// Deserializes any `FromStr` type from a string.
struct FromStrVisitor<T>(PhantomData<T>, &'static str);

impl<T> Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor(
            PhantomData,
            "an ECR action such as \"ecr:PutImage\"",
        ))
    }
}

impl Serialize for PublicAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PublicAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor(
            PhantomData,
            "an ECR Public action such as \"ecr-public:PutImage\"",
        ))
    }
}

impl Serialize for Bundle {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Bundle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor(
            PhantomData,
            "a bundle of the policy DSL such as \"pull\"",
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde::de::value::{Error as ValueError, StrDeserializer};
    use serde::de::IntoDeserializer;

    use super::*;

    fn from_str<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, ValueError> {
        let d: StrDeserializer<'a, ValueError> = s.into_deserializer();
        T::deserialize(d)
    }

    #[test]
    fn deserializes_from_policy_text() {
        assert_eq!(from_str::<Action>("ecr:PutImage"), Ok(Action::PutImage));
        assert_eq!(from_str::<Action>("ecr:putimage"), Ok(Action::PutImage));
        assert_eq!(
            from_str::<PublicAction>("ecr-public:PutImage"),
            Ok(PublicAction::PutImage)
        );
        let err = from_str::<Action>("ecr:PutImages").unwrap_err();
        assert!(err.to_string().contains("did you mean \"ecr:PutImage\""));
    }
}
