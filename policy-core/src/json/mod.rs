//! JSON in and out: the exact text ECR takes and hands back, and a reader with located errors.

pub(crate) mod parse;
pub(crate) mod render;
