//! Lists that JSON may write as a bare string.

use std::ops::Deref;

/// How a list-valued element is written when it holds exactly one value.
///
/// The IAM grammar lets every list-valued element be a bare string (`"Action": "ecr:PutImage"`
/// means `["ecr:PutImage"]`); AWS keeps whichever form it was sent. Lists of two or more values
/// are always arrays, and an empty list is always `[]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListForm {
    /// One value is written as a bare string.
    #[default]
    Compact,
    /// One value is written as a one-element array.
    Array,
}

/// The values of a list-valued element, with the form a single value is written in.
///
/// Equality compares the values, and the form when it shows: only a list of exactly one value
/// is written differently in the two forms. Compare policies by meaning with the equivalence
/// functions instead.
#[derive(Clone, Debug, Default)]
pub struct ValueList<T> {
    items: Vec<T>,
    form: ListForm,
}

impl<T: PartialEq> PartialEq for ValueList<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items && (self.items.len() != 1 || self.form == other.form)
    }
}

impl<T: Eq> Eq for ValueList<T> {}

impl<T: std::hash::Hash> std::hash::Hash for ValueList<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.items.hash(state);
        if self.items.len() == 1 {
            self.form.hash(state);
        }
    }
}

impl<T> ValueList<T> {
    /// A list written in `form` when it holds one value.
    #[must_use]
    pub const fn new(items: Vec<T>, form: ListForm) -> Self {
        ValueList { items, form }
    }

    /// The form a single value is written in.
    #[must_use]
    pub const fn form(&self) -> ListForm {
        self.form
    }

    /// Changes the form a single value is written in.
    pub fn set_form(&mut self, form: ListForm) {
        self.form = form;
    }

    /// Whether this list is written as a bare string.
    #[must_use]
    pub fn is_written_bare(&self) -> bool {
        self.form == ListForm::Compact && self.items.len() == 1
    }

    /// Appends a value.
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// The values, mutably.
    pub fn items_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }

    /// The values.
    #[must_use]
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T: PartialEq> ValueList<T> {
    /// Appends a value unless an equal one is present.
    pub fn push_unique(&mut self, item: T) {
        if !self.items.contains(&item) {
            self.items.push(item);
        }
    }
}

impl<T> Deref for ValueList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> Extend<T> for ValueList<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl<T> IntoIterator for ValueList<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a ValueList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> FromIterator<T> for ValueList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        ValueList::new(iter.into_iter().collect(), ListForm::Compact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_counts_only_where_it_shows() {
        let list = |items: Vec<u8>, form| ValueList::new(items, form);
        assert_eq!(
            list(vec![], ListForm::Compact),
            list(vec![], ListForm::Array)
        );
        assert_eq!(
            list(vec![1, 2], ListForm::Compact),
            list(vec![1, 2], ListForm::Array)
        );
        assert_ne!(
            list(vec![1], ListForm::Compact),
            list(vec![1], ListForm::Array)
        );
        assert_ne!(
            list(vec![1], ListForm::Array),
            list(vec![2], ListForm::Array)
        );
    }
}
