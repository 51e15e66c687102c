//! Sets of strings as automata, and the satisfiability of a conjunction of them.
//!
//! Every string test of a condition (`StringLike`, `StringNotEquals`, `ArnLike`, ...) and every
//! value domain of a key (12-digit account ids, organization ids, ARN shapes) is a
//! nondeterministic automaton over characters whose transitions carry character sets. A
//! conjunction "matches all of these, none of those, and lies in the domain" is decided by a
//! breadth-first search over the product of their state sets, one representative character
//! per class of characters the automata cannot tell apart. The search is exact; it stops with
//! [`Sat::Unknown`] only past a budget of product states that ordinary policies never reach.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The answer of a satisfiability question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sat<T> {
    /// Satisfiable, with a witness.
    Yes(T),
    /// Not satisfiable: no value passes.
    No,
    /// Not decided (outside the model, or past the search budget).
    Unknown,
}

impl<T> Sat<T> {
    /// Whether the answer is [`Sat::Yes`].
    pub fn is_yes(&self) -> bool {
        matches!(self, Sat::Yes(_))
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Sat<U> {
        match self {
            Sat::Yes(t) => Sat::Yes(f(t)),
            Sat::No => Sat::No,
            Sat::Unknown => Sat::Unknown,
        }
    }
}

/// A string test of one condition value, as an operator compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern<'a> {
    /// `StringLike`: `*` and `?` are wildcards, case counts.
    Like(&'a str),
    /// `StringEquals`: the text exactly.
    Equals(&'a str),
    /// `StringEqualsIgnoreCase`: the text ignoring case.
    EqualsIgnoreCase(&'a str),
    /// `ArnLike` / `ArnEquals`: six colon-separated fields matched one by one.
    Arn(&'a str),
}

impl Pattern<'_> {
    fn nfa(self) -> Nfa {
        match self {
            Pattern::Like(p) => Nfa::strings([p], true, false),
            Pattern::Equals(p) => Nfa::strings([p], false, false),
            Pattern::EqualsIgnoreCase(p) => Nfa::strings([p], false, true),
            Pattern::Arn(p) => Nfa::arns([p]),
        }
    }
}

/// The shortest string that matches every pattern of `all` and none of `none`, or proof that
/// there is none.
///
/// ```
/// use policy_analysis::text::{solve_patterns, Pattern, Sat};
/// // `StringLike a*b*c` and `StringNotLike *b*`: every match of the first has a `b`.
/// assert_eq!(solve_patterns(&[Pattern::Like("a*b*c")], &[Pattern::Like("*b*")]), Sat::No);
/// assert_eq!(
///     solve_patterns(&[Pattern::Arn("arn:aws:iam::*:role/*")], &[Pattern::Like("*:role/ci*")]),
///     Sat::Yes("arn:aws:iam:::role/".to_owned())
/// );
/// ```
#[must_use]
pub fn solve_patterns(all: &[Pattern<'_>], none: &[Pattern<'_>]) -> Sat<String> {
    let all: Vec<Nfa> = all.iter().map(|p| p.nfa()).collect();
    let none: Vec<Nfa> = none.iter().map(|p| p.nfa()).collect();
    let all: Vec<&Nfa> = all.iter().collect();
    let none: Vec<&Nfa> = none.iter().collect();
    solve(&all, &none)
}

/// A set of characters: ASCII by bitmask, the rest all or nothing; or one character, exactly
/// or ignoring case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CharSet {
    Set { ascii: u128, other: bool },
    Exact(char),
    Fold(char),
}

impl CharSet {
    pub(crate) const ANY: CharSet = CharSet::Set {
        ascii: u128::MAX,
        other: true,
    };

    pub(crate) fn any_but(c: u8) -> CharSet {
        CharSet::Set {
            ascii: !(1u128 << c),
            other: true,
        }
    }

    /// ASCII characters listed in `spec`, where `a-z` is a range.
    pub(crate) fn of(spec: &str) -> CharSet {
        let b = spec.as_bytes();
        let mut ascii = 0u128;
        let mut i = 0;
        while i < b.len() {
            if i + 2 < b.len() && b[i + 1] == b'-' {
                for c in b[i]..=b[i + 2] {
                    ascii |= 1 << c;
                }
                i += 3;
            } else {
                ascii |= 1 << b[i];
                i += 1;
            }
        }
        CharSet::Set {
            ascii,
            other: false,
        }
    }

    pub(crate) fn contains(self, c: char) -> bool {
        match self {
            CharSet::Set { ascii, other } => {
                if c.is_ascii() {
                    ascii & (1 << (c as u32)) != 0
                } else {
                    other
                }
            }
            CharSet::Exact(e) => e == c,
            CharSet::Fold(e) => e == c || fold_eq(e, c),
        }
    }
}

/// Two characters equal ignoring case, as the evaluator compares (Unicode lowercase).
pub(crate) fn fold_eq(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// A nondeterministic automaton with one start and one accepting state. Its moves lie in two
/// lists for the whole automaton, each state's side by side: state `s`'s empty moves are
/// `eps[at[s][0]..at[s][1]]` and its moves on characters `next[at[s][2]..at[s][3]]`, in the
/// order they were added. One allocation a list, not two a state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Nfa {
    /// Where each state's moves start and end in `eps` and in `next`.
    at: Vec<[u32; 4]>,
    eps: Vec<u32>,
    next: Vec<(CharSet, u32)>,
    start: u32,
    accept: u32,
    /// [`Nfa::distances`] and [`Nfa::shortest_unique`], worked out the first time they are
    /// asked for.
    derived: Derived,
}

/// What is worked out from an automaton once it is built: no part of what it accepts, so
/// two automata with the same states are equal and hash alike whatever either has worked out.
#[derive(Debug, Default)]
struct Derived {
    distances: std::cell::OnceCell<Vec<u32>>,
    shortest: std::cell::OnceCell<Option<String>>,
    /// [`Nfa::bits`].
    bits: std::cell::OnceCell<Option<Bits>>,
    /// The steps [`Nfa::matches`] took, for an automaton asked about again and again (a
    /// key's domain, kept per thread): see [`Nfa::remembering`].
    steps: std::cell::RefCell<Option<Steps>>,
    /// The last text of at least [`LAST_MIN`] bytes the walk of [`Nfa::matches`] was asked
    /// about, and its answer: a value found by a search is matched again when the caller's
    /// keys are checked against it.
    last: std::cell::RefCell<(String, bool)>,
}

/// The shortest text whose answer [`Nfa::matches`] keeps: below it, matching again costs
/// less than keeping it.
const LAST_MIN: usize = 16;

/// The automaton determinized as far as [`Nfa::matches`] walked it: each set of states it
/// reached, numbered (the start set is 0), and each step taken from one on a character: on
/// an ASCII character in the set's row (read by the character, [`UNKNOWN`] for a step not
/// taken yet), on any other in `next`. The rows lie side by side in one table, 128 a set:
/// a long text through a domain reaches a new set at almost every character, and a row
/// allocated for each cost more than the steps.
#[derive(Debug)]
struct Steps {
    ids: HashMap<Vec<u32>, u32, BuildHasherDefault<StateHasher>>,
    sets: Vec<Vec<u32>>,
    ascii: Vec<u32>,
    next: HashMap<(u32, char), u32, BuildHasherDefault<StateHasher>>,
    /// How many steps are remembered.
    taken: usize,
    marks: Marks,
    scratch: Vec<u32>,
}

/// A step of [`Steps`] not taken yet.
const UNKNOWN: u32 = u32::MAX;

/// Past this many steps remembered, [`Nfa::matches`] walks the sets again without
/// remembering more.
const STEPS_KEPT: usize = 4096;

impl Steps {
    fn new(nfa: &Nfa) -> Steps {
        let mut marks = Marks::new(nfa.len());
        let start = nfa.start_set(&mut marks);
        let mut ids = HashMap::default();
        ids.insert(start.clone(), 0);
        Steps {
            ids,
            sets: vec![start],
            ascii: vec![UNKNOWN; 128],
            next: HashMap::default(),
            taken: 0,
            marks,
            scratch: Vec::new(),
        }
    }

    /// The set reached from set `at` on `c`; `None` past [`STEPS_KEPT`] for a step not
    /// taken before.
    fn step(&mut self, nfa: &Nfa, at: u32, c: char) -> Option<u32> {
        let known = if c.is_ascii() {
            Some(self.ascii[at as usize * 128 + c as usize]).filter(|&to| to != UNKNOWN)
        } else {
            self.next.get(&(at, c)).copied()
        };
        if known.is_some() {
            return known;
        }
        if self.taken >= STEPS_KEPT {
            return None;
        }
        nfa.step_into(
            &self.sets[at as usize],
            c,
            &mut self.marks,
            &mut self.scratch,
        );
        let to = match self.ids.get(self.scratch.as_slice()) {
            Some(&known) => known,
            None => {
                let id = self.sets.len() as u32;
                self.ids.insert(self.scratch.clone(), id);
                self.sets.push(self.scratch.clone());
                self.ascii.resize(self.ascii.len() + 128, UNKNOWN);
                id
            }
        };
        self.taken += 1;
        if c.is_ascii() {
            self.ascii[at as usize * 128 + c as usize] = to;
        } else {
            self.next.insert((at, c), to);
        }
        Some(to)
    }
}

/// A copy keeps what was worked out but not the steps remembered: copies are kept to compare
/// automata by (the memory of [`solve`]'s answers), not to match strings again and again.
impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived {
            distances: self.distances.clone(),
            shortest: self.shortest.clone(),
            bits: self.bits.clone(),
            steps: std::cell::RefCell::default(),
            last: std::cell::RefCell::default(),
        }
    }
}

/// Sets of an automaton's states as bit sets, for [`Nfa::matches`]: for each state, the
/// states its empty moves reach (itself included), `words` words a state, and the start's.
#[derive(Clone, Debug)]
struct Bits {
    words: usize,
    closures: Vec<u64>,
    start: Vec<u64>,
}

/// The most states an automaton may have for [`Nfa::matches`] to step bit sets (of at most
/// [`BITS_WORDS`] words): patterns and the caller's domains, not a list of thousands.
const BITS_WORDS: usize = 8;

impl PartialEq for Derived {
    fn eq(&self, _: &Derived) -> bool {
        true
    }
}

impl Eq for Derived {}

impl std::hash::Hash for Derived {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A regular expression over character sets, for value domains.
#[derive(Clone, Debug)]
pub(crate) enum Re {
    /// A literal string.
    Lit(String),
    /// `min..=max` characters of a set.
    Rep(CharSet, usize, usize),
    Seq(Vec<Re>),
    Alt(Vec<Re>),
    /// Zero or more repetitions.
    Star(Box<Re>),
}

impl Re {
    pub(crate) fn lit(s: &str) -> Re {
        Re::Lit(s.to_owned())
    }
    pub(crate) fn class(spec: &str, min: usize, max: usize) -> Re {
        Re::Rep(CharSet::of(spec), min, max)
    }
}

/// The tokens of a pattern: `*` and `?` as wildcards (when the operator has them), else
/// literal characters.
#[derive(Clone, Copy, Debug)]
enum Token {
    Star,
    One,
    Lit(char),
}

/// The moves of an automaton as they are added, in any order of states: [`Builder::finish`]
/// lays them out by state ([`Nfa`]), keeping the order of each state's moves.
struct Builder {
    states: u32,
    eps: Vec<(u32, u32)>,
    next: Vec<(u32, CharSet, u32)>,
}

impl Builder {
    /// The start (0) and the accepting state (1), without moves.
    fn new() -> Builder {
        Builder {
            states: 2,
            eps: Vec::new(),
            next: Vec::new(),
        }
    }

    fn add(&mut self) -> u32 {
        self.states += 1;
        self.states - 1
    }

    fn eps(&mut self, from: u32, to: u32) {
        self.eps.push((from, to));
    }

    fn step(&mut self, from: u32, set: CharSet, to: u32) {
        self.next.push((from, set, to));
    }

    /// Compiles `re` between states `from` and `to`.
    fn build(&mut self, re: &Re, from: u32, to: u32) {
        match re {
            Re::Lit(s) => {
                let mut at = from;
                for c in s.chars() {
                    let n = self.add();
                    self.step(at, CharSet::Exact(c), n);
                    at = n;
                }
                self.eps(at, to);
            }
            Re::Rep(set, min, max) => {
                let mut at = from;
                for i in 0..*max {
                    if i >= *min {
                        self.eps(at, to);
                    }
                    let n = self.add();
                    self.step(at, *set, n);
                    at = n;
                }
                self.eps(at, to);
            }
            Re::Seq(parts) => {
                let mut at = from;
                for p in parts {
                    let n = self.add();
                    self.build(p, at, n);
                    at = n;
                }
                self.eps(at, to);
            }
            Re::Alt(parts) => {
                for p in parts {
                    self.build(p, from, to);
                }
            }
            Re::Star(inner) => {
                let hub = self.add();
                self.eps(from, hub);
                self.eps(hub, to);
                let back = self.add();
                self.build(inner, hub, back);
                self.eps(back, hub);
            }
        }
    }

    /// Adds a path for `tokens` from the start to the accepting state.
    fn add_tokens(&mut self, tokens: impl Iterator<Item = Token>, any: CharSet, fold: bool) {
        let mut at = 0;
        for t in tokens {
            match t {
                Token::Star => {
                    let n = self.add();
                    self.eps(at, n);
                    self.step(n, any, n);
                    at = n;
                }
                Token::One => {
                    let n = self.add();
                    self.step(at, any, n);
                    at = n;
                }
                Token::Lit(c) => {
                    let n = self.add();
                    let set = if fold {
                        CharSet::Fold(c)
                    } else {
                        CharSet::Exact(c)
                    };
                    self.step(at, set, n);
                    at = n;
                }
            }
        }
        self.eps(at, 1);
    }

    /// The automaton from state 0 to state 1, each state's moves side by side (a counting
    /// sort by state, which keeps the order they were added in).
    fn finish(self) -> Nfa {
        let n = self.states as usize;
        // Counts first, in the ends' places; then each state's start is the previous end, and
        // its end grows back to its place as its moves are laid out.
        let mut at = vec![[0u32; 4]; n];
        for &(from, _) in &self.eps {
            at[from as usize][1] += 1;
        }
        for &(from, _, _) in &self.next {
            at[from as usize][3] += 1;
        }
        let (mut eps_end, mut next_end) = (0, 0);
        for range in &mut at {
            let [_, eps_count, _, next_count] = *range;
            *range = [eps_end, eps_end, next_end, next_end];
            eps_end += eps_count;
            next_end += next_count;
        }
        let mut eps = vec![0u32; self.eps.len()];
        for &(from, to) in &self.eps {
            let end = &mut at[from as usize][1];
            eps[*end as usize] = to;
            *end += 1;
        }
        let mut next = vec![(CharSet::ANY, 0u32); self.next.len()];
        for &(from, set, to) in &self.next {
            let end = &mut at[from as usize][3];
            next[*end as usize] = (set, to);
            *end += 1;
        }
        Nfa {
            at,
            eps,
            next,
            start: 0,
            accept: 1,
            derived: Derived::default(),
        }
    }
}

/// One pattern's automaton laid out as it is read: a path from the start through a new state
/// for each character (a `*` state moving to itself), then an empty move to the accepting
/// state (1). Each move leaves the state last added, so the states' moves come in order and
/// go straight into [`Nfa`]'s lists, with no list of moves to sort by state as [`Builder`]
/// keeps: the same states and moves in the same order as [`Builder`] gives the same path.
struct Chain {
    at: Vec<[u32; 4]>,
    eps: Vec<u32>,
    next: Vec<(CharSet, u32)>,
}

impl Chain {
    /// The start, open for its moves; `moves` and `stars` are how many of each to expect.
    fn new(moves: usize, stars: usize) -> Chain {
        let mut at = Vec::with_capacity(moves + 2);
        at.push([0; 4]);
        Chain {
            at,
            eps: Vec::with_capacity(stars + 1),
            next: Vec::with_capacity(moves + stars),
        }
    }

    /// The state the next [`Chain::open`] adds (the accepting state 1 comes after the start).
    #[inline]
    fn coming(&self) -> u32 {
        self.at.len().max(2) as u32
    }

    /// Ends the moves of the last state and adds the next one (after the start, the accepting
    /// state first, which has no moves).
    #[inline]
    fn open(&mut self) {
        let (e, m) = (self.eps.len() as u32, self.next.len() as u32);
        self.close();
        if self.at.len() == 1 {
            self.at.push([e, e, m, m]);
        }
        self.at.push([e, e, m, m]);
    }

    #[inline]
    fn close(&mut self) {
        let (e, m) = (self.eps.len() as u32, self.next.len() as u32);
        let last = self.at.last_mut().expect("the start");
        last[1] = e;
        last[3] = m;
    }

    /// `*` over `any`: an empty move to a new state that moves to itself on `any`.
    #[inline]
    fn star(&mut self, any: CharSet) {
        let n = self.coming();
        self.eps.push(n);
        self.open();
        self.next.push((any, n));
    }

    /// One character of `set`, to a new state.
    #[inline]
    fn step(&mut self, set: CharSet) {
        let n = self.coming();
        self.next.push((set, n));
        self.open();
    }

    /// The empty move to the accepting state, and the automaton.
    fn end(mut self) -> Nfa {
        self.eps.push(1);
        let (e, m) = (self.eps.len() as u32, self.next.len() as u32);
        self.close();
        if self.at.len() == 1 {
            self.at.push([e, e, m, m]);
        }
        Nfa {
            at: self.at,
            eps: self.eps,
            next: self.next,
            start: 0,
            accept: 1,
            derived: Derived::default(),
        }
    }

    /// [`Nfa::strings`] of one pattern.
    fn strings(p: &str, wildcards: bool, fold: bool) -> Nfa {
        let stars = if wildcards {
            p.bytes().filter(|&c| c == b'*').count()
        } else {
            0
        };
        let mut chain = Chain::new(p.len(), stars);
        for c in p.chars() {
            match c {
                '*' if wildcards => chain.star(CharSet::ANY),
                '?' if wildcards => chain.step(CharSet::ANY),
                c if fold => chain.step(CharSet::Fold(c)),
                c => chain.step(CharSet::Exact(c)),
            }
        }
        chain.end()
    }

    /// [`Nfa::arns`] of one pattern, read in one pass: each of the first five colons ends a
    /// field (whose wildcards cannot cross a colon), the rest is the last field.
    fn arn(p: &str) -> Nfa {
        let (mut colons, mut stars) = (0, 0);
        for b in p.bytes() {
            colons += usize::from(b == b':');
            stars += usize::from(b == b'*');
        }
        if colons < 5 {
            return Nfa::arns_built(std::iter::empty());
        }
        let mut chain = Chain::new(p.len(), stars);
        let within = CharSet::any_but(b':');
        let mut fields = 0;
        for c in p.chars() {
            let any = if fields < 5 { within } else { CharSet::ANY };
            match c {
                ':' if fields < 5 => {
                    fields += 1;
                    chain.step(CharSet::Exact(':'));
                }
                '*' => chain.star(any),
                '?' => chain.step(any),
                c => chain.step(CharSet::Exact(c)),
            }
        }
        chain.end()
    }
}

impl Nfa {
    /// The number of states.
    fn len(&self) -> usize {
        self.at.len()
    }

    /// The empty moves of state `s`.
    fn eps(&self, s: u32) -> &[u32] {
        let [from, to, _, _] = self.at[s as usize];
        &self.eps[from as usize..to as usize]
    }

    /// The moves on characters of state `s`.
    fn moves(&self, s: u32) -> &[(CharSet, u32)] {
        let [_, _, from, to] = self.at[s as usize];
        &self.next[from as usize..to as usize]
    }

    pub(crate) fn from_re(re: &Re) -> Nfa {
        let mut b = Builder::new();
        b.build(re, 0, 1);
        b.finish()
    }

    /// The union of string patterns. `wildcards`: `*` and `?` are wildcards (`StringLike`);
    /// `fold`: letters compare ignoring case (`StringEqualsIgnoreCase`). One pattern alone is
    /// laid out as it is read ([`Chain`]), the same automaton [`Builder`] builds.
    pub(crate) fn strings<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
        wildcards: bool,
        fold: bool,
    ) -> Nfa {
        let mut patterns = patterns.into_iter();
        let Some(first) = patterns.next() else {
            return Nfa::strings_built(std::iter::empty(), wildcards, fold);
        };
        match patterns.next() {
            None => Chain::strings(first, wildcards, fold),
            Some(second) => {
                Nfa::strings_built([first, second].into_iter().chain(patterns), wildcards, fold)
            }
        }
    }

    /// [`Nfa::strings`] through a [`Builder`], for any number of patterns.
    fn strings_built<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
        wildcards: bool,
        fold: bool,
    ) -> Nfa {
        let mut b = Builder::new();
        for p in patterns {
            // A move a character, and one empty move for each `*` and the end.
            b.next.reserve(p.len());
            b.eps.reserve(1);
            let tokens = p.chars().map(|c| match c {
                '*' if wildcards => Token::Star,
                '?' if wildcards => Token::One,
                c => Token::Lit(c),
            });
            b.add_tokens(tokens, CharSet::ANY, fold);
        }
        b.finish()
    }

    /// The union of `ArnLike` patterns: six colon-separated fields, each a glob that cannot
    /// cross a colon, except the last, which takes the rest (as `policy_core::eval` matches).
    /// A pattern with fewer than six fields matches nothing. One pattern alone is laid out as
    /// it is read ([`Chain`]), the same automaton [`Builder`] builds.
    pub(crate) fn arns<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Nfa {
        let mut patterns = patterns.into_iter();
        let Some(first) = patterns.next() else {
            return Nfa::arns_built(std::iter::empty());
        };
        match patterns.next() {
            None => Chain::arn(first),
            Some(second) => Nfa::arns_built([first, second].into_iter().chain(patterns)),
        }
    }

    /// [`Nfa::arns`] through a [`Builder`], for any number of patterns.
    fn arns_built<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Nfa {
        let mut b = Builder::new();
        for p in patterns {
            if p.bytes().filter(|&c| c == b':').count() < 5 {
                continue;
            }
            b.next.reserve(p.len());
            let mut at = 0;
            for (i, field) in p.splitn(6, ':').enumerate() {
                let any = if i < 5 {
                    CharSet::any_but(b':')
                } else {
                    CharSet::ANY
                };
                for c in field.chars() {
                    match c {
                        '*' => {
                            let s = b.add();
                            b.eps(at, s);
                            b.step(s, any, s);
                            at = s;
                        }
                        c => {
                            let s = b.add();
                            let set = if c == '?' { any } else { CharSet::Exact(c) };
                            b.step(at, set, s);
                            at = s;
                        }
                    }
                }
                if i < 5 {
                    let s = b.add();
                    b.step(at, CharSet::Exact(':'), s);
                    at = s;
                }
            }
            b.eps(at, 1);
        }
        b.finish()
    }

    /// Adds the states reachable by empty moves; `marks` is scratch space of one stamp per
    /// state, so that a step costs the size of the sets, not of the automaton.
    fn closure(&self, set: &mut Vec<u32>, marks: &mut Marks) {
        marks.next();
        for &s in set.iter() {
            marks.set(s);
        }
        let mut i = 0;
        while i < set.len() {
            let s = set[i];
            for &e in self.eps(s) {
                if marks.set(e) {
                    set.push(e);
                }
            }
            i += 1;
        }
        set.sort_unstable();
    }

    fn start_set(&self, marks: &mut Marks) -> Vec<u32> {
        let mut s = vec![self.start];
        self.closure(&mut s, marks);
        s
    }

    /// The states `set` moves to on `c`, into `out` (cleared first), which the caller reuses.
    fn step_into(&self, set: &[u32], c: char, marks: &mut Marks, out: &mut Vec<u32>) {
        out.clear();
        marks.next();
        for &s in set {
            for &(cs, to) in self.moves(s) {
                if cs.contains(c) && marks.set(to) {
                    out.push(to);
                }
            }
        }
        if !out.is_empty() {
            self.closure(out, marks);
        }
    }

    fn accepts_set(&self, set: &[u32]) -> bool {
        set.binary_search(&self.accept).is_ok()
    }

    /// The automaton, remembering the steps [`Nfa::matches`] takes ([`Steps`]): for one
    /// matched against many strings, such as a key's domain. Most automata are matched once
    /// or twice, where remembering costs more than it saves.
    pub(crate) fn remembering(self) -> Nfa {
        *self.derived.steps.borrow_mut() = Some(Steps::new(&self));
        self
    }

    /// Whether the automaton accepts `text`; along the steps remembered when it remembers
    /// them ([`Nfa::remembering`]): the same sets as the walk of [`Nfa::walk_matches`].
    pub(crate) fn matches(&self, text: &str) -> bool {
        let mut steps = self.derived.steps.borrow_mut();
        let Some(steps) = steps.as_mut() else {
            drop(steps);
            return self.matches_again(text);
        };
        let mut at = 0;
        for c in text.chars() {
            let Some(to) = steps.step(self, at, c) else {
                return self.walk_matches(text);
            };
            if steps.sets[to as usize].is_empty() {
                return false;
            }
            at = to;
        }
        self.accepts_set(&steps.sets[at as usize])
    }

    /// [`Nfa::walk_matches`], answered from the last text asked about when it is `text`.
    fn matches_again(&self, text: &str) -> bool {
        if text.len() < LAST_MIN {
            return self.walk_matches(text);
        }
        {
            let last = self.derived.last.borrow();
            if last.0 == text {
                return last.1;
            }
        }
        let found = self.walk_matches(text);
        let mut last = self.derived.last.borrow_mut();
        last.0.clear();
        last.0.push_str(text);
        last.1 = found;
        found
    }

    /// The closures of [`Bits`], worked out the first time they are asked for; `None` past
    /// [`BITS_WORDS`] words a set.
    fn bits(&self) -> Option<&Bits> {
        self.derived
            .bits
            .get_or_init(|| {
                let n = self.len();
                let words = n.div_ceil(64);
                if words > BITS_WORDS {
                    return None;
                }
                let closures = self.closure_bits(words);
                let start = self.start as usize * words;
                let start = closures[start..start + words].to_vec();
                Some(Bits {
                    words,
                    closures,
                    start,
                })
            })
            .as_ref()
    }

    /// For each state, the states its empty moves reach (itself included), `words` words a
    /// state: each state's set grown by the sets of its empty moves' ends until none grows
    /// (the states that can reach a state on empty moves, whatever their order). The states
    /// taken from the end first: an automaton's empty moves mostly lead to states added after
    /// their own, so one pass does most of it and a second finds nothing more.
    fn closure_bits(&self, words: usize) -> Vec<u64> {
        let n = self.len();
        let mut closures = vec![0u64; n * words];
        for s in 0..n {
            closures[s * words + s / 64] |= 1 << (s % 64);
        }
        loop {
            let mut grown = false;
            for s in (0..n).rev() {
                for &e in self.eps(s as u32) {
                    let (to, from) = (s * words, e as usize * words);
                    for w in 0..words {
                        let more = closures[from + w] & !closures[to + w];
                        if more != 0 {
                            closures[to + w] |= more;
                            grown = true;
                        }
                    }
                }
            }
            if !grown {
                return closures;
            }
        }
    }

    /// Whether the automaton accepts `text`, its sets walked afresh: as bit sets where they
    /// fit ([`Bits`]), else as lists.
    fn walk_matches(&self, text: &str) -> bool {
        match self.bits() {
            Some(bits) => self.matches_bits(bits, text),
            None => self.matches_sets(text),
        }
    }

    /// [`Nfa::matches`] over bit sets: the states a step reaches, each with its closure.
    fn matches_bits(&self, bits: &Bits, text: &str) -> bool {
        let words = bits.words;
        if words == 1 {
            // One word a set (most patterns): the same steps on a plain number.
            let mut set = bits.start[0];
            for c in text.chars() {
                let mut next = 0u64;
                let mut moved = false;
                let mut word = set;
                while word != 0 {
                    let s = word.trailing_zeros() as usize;
                    word &= word - 1;
                    for &(cs, to) in self.moves(s as u32) {
                        if cs.contains(c) {
                            moved = true;
                            next |= bits.closures[to as usize];
                        }
                    }
                }
                if !moved {
                    return false;
                }
                set = next;
            }
            return set & (1 << self.accept) != 0;
        }
        let mut set = [0u64; BITS_WORDS];
        let mut next = [0u64; BITS_WORDS];
        set[..words].copy_from_slice(&bits.start);
        for c in text.chars() {
            next[..words].fill(0);
            let mut moved = false;
            for (w, &word) in set[..words].iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let s = w * 64 + word.trailing_zeros() as usize;
                    word &= word - 1;
                    for &(cs, to) in self.moves(s as u32) {
                        if cs.contains(c) {
                            moved = true;
                            let from = to as usize * words;
                            for (n, &b) in next[..words]
                                .iter_mut()
                                .zip(&bits.closures[from..from + words])
                            {
                                *n |= b;
                            }
                        }
                    }
                }
            }
            if !moved {
                return false;
            }
            std::mem::swap(&mut set, &mut next);
        }
        let a = self.accept as usize;
        set[a / 64] & (1 << (a % 64)) != 0
    }

    /// [`Nfa::matches`] over lists of states, for automata too large for [`Bits`].
    fn matches_sets(&self, text: &str) -> bool {
        let mut marks = Marks::new(self.len());
        let mut set = self.start_set(&mut marks);
        let mut next = Vec::with_capacity(set.len());
        for c in text.chars() {
            self.step_into(&set, c, &mut marks, &mut next);
            if next.is_empty() {
                return false;
            }
            std::mem::swap(&mut set, &mut next);
        }
        self.accepts_set(&set)
    }

    /// For each state, the fewest characters that lead from it to acceptance (`u32::MAX` when
    /// none do): a walk backwards from the accepting state, empty moves costing nothing.
    fn distances(&self) -> &[u32] {
        self.derived
            .distances
            .get_or_init(|| self.count_distances())
    }

    /// Whether a set (closed under empty moves) accepts every continuation: it holds a state
    /// looping on every character with the accepting state among its empty moves (a
    /// pattern's final `*` reached).
    fn takes_all(&self, set: &[u32]) -> bool {
        set.iter().any(|&s| {
            self.moves(s).contains(&(CharSet::ANY, s))
                && (s == self.accept || self.eps(s).contains(&self.accept))
        })
    }

    /// The fewest characters of a string the automaton accepts (`u32::MAX` when none).
    fn fewest(&self) -> u32 {
        let dist = self.distances();
        let mut marks = Marks::new(self.len());
        let set = self.start_set(&mut marks);
        set.iter()
            .map(|&s| dist[s as usize])
            .min()
            .unwrap_or(u32::MAX)
    }

    /// [`Nfa::distances`] worked out: the moves reversed into one list (each state's
    /// sources side by side, the cost in the top bit), then a walk by rounds of one
    /// distance each, a list of the states at the distance and one of those a character
    /// further (a state listed again at a shorter distance is passed over when it comes
    /// up at the longer one). The distances are those of a walk from a queue (kept in the
    /// tests): the shortest, whatever order the states come in.
    fn count_distances(&self) -> Vec<u32> {
        const CHAR: u32 = 1 << 31;
        let n = self.len();
        // A source is written as its state with `CHAR` set for a move on a character: the
        // states must leave that bit free.
        debug_assert!(n <= CHAR as usize, "{n} states");
        // `starts[t]` counts the moves into `t`, then, summed, marks where `t`'s sources end;
        // each source is written below the mark, lowering it, so that once all are written
        // it marks where they begin and `starts[t + 1]` where they end: no second array to
        // fill from.
        let mut starts = vec![0u32; n + 1];
        for &t in &self.eps {
            starts[t as usize] += 1;
        }
        for &(_, t) in &self.next {
            starts[t as usize] += 1;
        }
        let mut sum = 0;
        for x in &mut starts {
            sum += *x;
            *x = sum;
        }
        let mut into = vec![0u32; sum as usize];
        for (s, &[e0, e1, m0, m1]) in self.at.iter().enumerate() {
            let s = s as u32;
            for &t in &self.eps[e0 as usize..e1 as usize] {
                let at = &mut starts[t as usize];
                *at -= 1;
                into[*at as usize] = s;
            }
            for &(_, t) in &self.next[m0 as usize..m1 as usize] {
                let at = &mut starts[t as usize];
                *at -= 1;
                into[*at as usize] = s | CHAR;
            }
        }
        let mut dist = vec![u32::MAX; n];
        let (mut now, mut later) = (Vec::with_capacity(n), Vec::new());
        dist[self.accept as usize] = 0;
        now.push(self.accept);
        let mut d = 0;
        while !now.is_empty() {
            while let Some(t) = now.pop() {
                if dist[t as usize] != d {
                    continue;
                }
                for &from in &into[starts[t as usize] as usize..starts[t as usize + 1] as usize] {
                    let s = (from & !CHAR) as usize;
                    if from & CHAR == 0 {
                        if d < dist[s] {
                            dist[s] = d;
                            now.push(s as u32);
                        }
                    } else if d + 1 < dist[s] {
                        dist[s] = d + 1;
                        later.push(s as u32);
                    }
                }
            }
            std::mem::swap(&mut now, &mut later);
            d += 1;
        }
        dist
    }

    /// [`Nfa::count_distances`] as first written: the reversed moves as lists by target,
    /// walked from a queue (a move on a character to its back, an empty move to its front).
    #[cfg(test)]
    fn count_distances_by_queue(&self) -> Vec<u32> {
        let n = self.len();
        // The moves reversed, as lists side by side: `into[starts[t]..starts[t + 1]]` are the
        // states with a move to `t`, each with its cost.
        let mut starts = vec![0usize; n + 1];
        for &t in &self.eps {
            starts[t as usize + 1] += 1;
        }
        for &(_, t) in &self.next {
            starts[t as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut into = vec![(0u32, 0u32); starts[n]];
        for s in 0..n as u32 {
            let moves = self
                .eps(s)
                .iter()
                .map(|&t| (t, 0))
                .chain(self.moves(s).iter().map(|&(_, t)| (t, 1)));
            for (t, cost) in moves {
                into[fill[t as usize]] = (s, cost);
                fill[t as usize] += 1;
            }
        }
        let mut dist = vec![u32::MAX; n];
        let mut queue = std::collections::VecDeque::new();
        dist[self.accept as usize] = 0;
        queue.push_back(self.accept);
        while let Some(t) = queue.pop_front() {
            let d = dist[t as usize];
            for &(s, cost) in &into[starts[t as usize]..starts[t as usize + 1]] {
                if d + cost < dist[s as usize] {
                    dist[s as usize] = d + cost;
                    if cost == 0 {
                        queue.push_front(s);
                    } else {
                        queue.push_back(s);
                    }
                }
            }
        }
        dist
    }

    /// The one string the automaton accepts, when it is a chain of single characters
    /// (a domain of one value, such as the root user of a given account); `None` when it is
    /// not such a chain, whatever it accepts. Only `Exact` moves count: `?`, `*`, classes and
    /// letters compared ignoring case branch.
    fn single(&self) -> Option<String> {
        let mut text = String::new();
        let mut at = self.start;
        // A chain visits each state once; more steps mean a cycle of empty moves.
        for _ in 0..=self.len() {
            match (self.eps(at), self.moves(at)) {
                ([], []) => return (at == self.accept).then_some(text),
                ([to], []) if at != self.accept => at = *to,
                ([], [(CharSet::Exact(c), to)]) if at != self.accept => {
                    text.push(*c);
                    at = *to;
                }
                _ => return None,
            }
        }
        None
    }

    /// The automaton's shortest string when it has only one, each of its characters taken by
    /// `Exact` moves alone (a pattern's literal parts, its `*`s taken empty, such as
    /// `arn:aws:codebuild:us-east-1:111122223333:project/` of `...:project/*`); `None`
    /// otherwise (a `?`, a class or letters ignoring case on a shortest path, or two shortest
    /// strings), whatever it accepts. A walk down the distances to acceptance: at each step
    /// only the moves that bring the set one character closer count.
    fn shortest_unique(&self) -> Option<&str> {
        self.derived
            .shortest
            .get_or_init(|| self.find_shortest_unique())
            .as_deref()
    }

    fn find_shortest_unique(&self) -> Option<String> {
        let dist = self.distances();
        let mut marks = Marks::new(self.len());
        let mut set = self.start_set(&mut marks);
        let least = |set: &[u32]| set.iter().map(|&s| dist[s as usize]).min();
        let mut left = least(&set).filter(|&d| d != u32::MAX)?;
        let mut text = String::new();
        let mut next = Vec::new();
        while left > 0 {
            let c = self.one_literal(&set, |s, t| {
                dist[s as usize] == left && dist[t as usize] == left - 1
            })?;
            text.push(c);
            self.step_into(&set, c, &mut marks, &mut next);
            std::mem::swap(&mut set, &mut next);
            left = least(&set)?;
        }
        Some(text)
    }

    /// The first string the automaton accepts over the characters of the alphabet of a
    /// question whose literals are `literals` ([`alphabet`]), shortest first and then by
    /// their order in the alphabet: the string the walk of the automaton alone finds with
    /// that alphabet. Down the distances to acceptance: at each step the first character of
    /// the alphabet ([`first_in_alphabet`]) that some move bringing the set one character
    /// closer takes (a character leaves the set at most one character closer, so no other
    /// keeps the shortest length). `None` when it accepts nothing, or when no character of
    /// the alphabet brings it closer (a class the alphabet has no character of), which the
    /// walk decides. With a `prefix`: the first string that starts with it.
    fn first_shortest(&self, prefix: &str, literals: &[char]) -> Option<String> {
        let dist = self.distances();
        let mut marks = Marks::new(self.len());
        let mut set = self.start_set(&mut marks);
        let mut next = Vec::new();
        for c in prefix.chars() {
            self.step_into(&set, c, &mut marks, &mut next);
            std::mem::swap(&mut set, &mut next);
        }
        let least = |set: &[u32]| set.iter().map(|&s| dist[s as usize]).min();
        let mut left = least(&set).filter(|&d| d != u32::MAX)?;
        let mut text = prefix.to_owned();
        let mut closer: Vec<CharSet> = Vec::new();
        while left > 0 {
            closer.clear();
            for &s in &set {
                if dist[s as usize] != left {
                    continue;
                }
                for &(cs, t) in self.moves(s) {
                    if dist[t as usize] == left - 1 && !closer.contains(&cs) {
                        closer.push(cs);
                    }
                }
            }
            let c = first_in_alphabet(literals, &closer)?;
            text.push(c);
            self.step_into(&set, c, &mut marks, &mut next);
            std::mem::swap(&mut set, &mut next);
            left = least(&set)?;
        }
        self.accepts_set(&set).then_some(text)
    }

    /// The prefix when the automaton takes exactly the strings that start with it: a chain
    /// of sets that accept nothing and move on one literal each, up to a set that takes
    /// every continuation ([`Nfa::takes_all`]). `None` otherwise, whatever it takes.
    fn prefix_then_anything(&self) -> Option<String> {
        let mut marks = Marks::new(self.len());
        let mut set = self.start_set(&mut marks);
        let mut next = Vec::new();
        let mut prefix = String::new();
        for _ in 0..=self.len() {
            if self.takes_all(&set) {
                return Some(prefix);
            }
            if self.accepts_set(&set) {
                return None;
            }
            let c = self.one_literal(&set, |_, _| true)?;
            prefix.push(c);
            self.step_into(&set, c, &mut marks, &mut next);
            std::mem::swap(&mut set, &mut next);
        }
        None
    }

    /// The one character that every move from `set` which `counts` (from state, to state)
    /// takes, when each such move takes exactly that literal; `None` when none counts, or one
    /// takes a class, letters ignoring case or another literal.
    fn one_literal(&self, set: &[u32], counts: impl Fn(u32, u32) -> bool) -> Option<char> {
        let mut only: Option<char> = None;
        for &s in set {
            for &(cs, t) in self.moves(s) {
                if !counts(s, t) {
                    continue;
                }
                match (cs, only) {
                    (CharSet::Exact(c), None) => only = Some(c),
                    (CharSet::Exact(c), Some(o)) if c == o => {}
                    _ => return None,
                }
            }
        }
        only
    }

    fn char_sets(&self) -> impl Iterator<Item = CharSet> + '_ {
        self.next.iter().map(|(c, _)| *c)
    }
}

/// One stamp per state: a state is marked when its stamp is the current one.
#[derive(Debug)]
struct Marks {
    stamps: Vec<u32>,
    current: u32,
}

impl Marks {
    fn new(states: usize) -> Marks {
        Marks {
            stamps: vec![0; states],
            current: 0,
        }
    }

    fn next(&mut self) {
        self.current += 1;
    }

    /// Marks a state; false when it was marked already.
    fn set(&mut self, s: u32) -> bool {
        let slot = &mut self.stamps[s as usize];
        if *slot == self.current {
            false
        } else {
            *slot = self.current;
            true
        }
    }
}

/// At most this many product states are explored before answering [`Sat::Unknown`].
const BUDGET: usize = 50_000;

/// Characters tried first for classes of characters, so that witnesses read naturally.
const POOL: &str = "a0bcdefghijklmnopqrstuvwxyz123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_./:@+=, !\"#$%&'()*;<>?[\\]^`{|}~\u{7f}\u{0}\u{e9}\u{3a9}";

/// The literals of the automata, sorted: their `Exact` characters and every case of their
/// `Fold` ones. They come first in [`alphabet`], in this order.
fn literals_of<'a>(nfas: impl Iterator<Item = &'a Nfa>) -> Vec<char> {
    let (mut literals, mut folded) = exact_and_folded(nfas);
    if !folded.is_empty() {
        // An ARN pattern's automaton folds most of its characters, and the identity of
        // every caller class is solved against the same few: each character once.
        folded.sort_unstable();
        folded.dedup();
        for &c in &folded {
            literals.push(c);
            literals.extend(c.to_lowercase());
            literals.extend(c.to_uppercase());
        }
        // Fold sets may hold more than the simple case pairs (the Kelvin sign folds to `k`):
        // add every character of the pool that folds to a literal, as [`fold_eq`] tells,
        // each side lowered once rather than once a pair.
        let folds: Vec<(char, Lowered)> = folded.iter().map(|&l| (l, lowered(l))).collect();
        for c in fold_candidates() {
            let lc = lowered(c);
            if folds.iter().any(|&(l, ll)| l == c || ll == lc) {
                literals.push(c);
            }
        }
    }
    literals.sort_unstable();
    literals.dedup();
    literals
}

/// The `Exact` characters of the automata's moves, and their `Fold` ones, as they come.
fn exact_and_folded<'a>(nfas: impl Iterator<Item = &'a Nfa>) -> (Vec<char>, Vec<char>) {
    let (mut exact, mut folded) = (Vec::new(), Vec::new());
    for cs in nfas.flat_map(Nfa::char_sets) {
        match cs {
            CharSet::Exact(c) => exact.push(c),
            CharSet::Fold(c) => folded.push(c),
            CharSet::Set { .. } => {}
        }
    }
    (exact, folded)
}

/// The characters a fold set may hold beyond a literal's cases: the pool's, and those that
/// fold to ASCII letters (the Kelvin sign, the long s, dotted and dotless i).
fn fold_candidates() -> impl Iterator<Item = char> {
    POOL.chars()
        .chain(['\u{212a}', '\u{17f}', '\u{130}', '\u{131}'])
}

/// A character's `to_lowercase()`, at most three characters, held so that two compare as
/// the sequences do ([`fold_eq`]).
type Lowered = (u8, [char; 3]);

fn lowered(c: char) -> Lowered {
    let mut out = (0u8, ['\0'; 3]);
    for l in c.to_lowercase() {
        out.1[usize::from(out.0)] = l;
        out.0 += 1;
    }
    out
}

/// [`literals_of`] as it reads by its definition: every `Fold` character with its cases, and
/// each character of the pool compared with each by [`fold_eq`].
#[cfg(test)]
fn literals_of_by_pairs<'a>(nfas: impl Iterator<Item = &'a Nfa>) -> Vec<char> {
    let (mut literals, folded) = exact_and_folded(nfas);
    for &c in &folded {
        literals.push(c);
        literals.extend(c.to_lowercase());
        literals.extend(c.to_uppercase());
    }
    for c in fold_candidates() {
        if folded.iter().any(|l| fold_eq(*l, c)) {
            literals.push(c);
        }
    }
    literals.sort_unstable();
    literals.dedup();
    literals
}

/// The first character of [`alphabet`] that one of `sets` (sets of the automata's moves)
/// contains, without the alphabet: the first such literal (literals come first, in order),
/// else the first character of the pool, not a literal, that one of the sets of characters
/// contains. That character stands for its class in the alphabet: a character of the pool
/// before it with the same sets containing it would be contained too.
fn first_in_alphabet(literals: &[char], sets: &[CharSet]) -> Option<char> {
    let contained = |c: char| sets.iter().any(|cs| cs.contains(c));
    if let Some(&c) = literals.iter().find(|&&c| contained(c)) {
        return Some(c);
    }
    POOL.chars().find(|&c| {
        literals.binary_search(&c).is_err()
            && sets
                .iter()
                .any(|cs| matches!(cs, CharSet::Set { .. }) && cs.contains(c))
    })
}

/// One representative character per class of characters that all the automata treat alike.
fn alphabet<'a>(nfas: impl Iterator<Item = &'a Nfa> + Clone) -> Vec<char> {
    let literals = literals_of(nfas.clone());
    // Any character at all, for conjunctions of negated patterns alone.
    let mut sets: Vec<CharSet> = vec![CharSet::ANY];
    for n in nfas {
        for cs in n.char_sets() {
            if let set @ CharSet::Set { .. } = cs {
                if !sets.contains(&set) {
                    sets.push(set);
                }
            }
        }
    }
    let mut out = literals.clone();
    // A character's signature: which sets contain it, one bit a set (in words of 64).
    let words = sets.len().div_ceil(64);
    let mut signatures: Vec<u64> = Vec::new();
    let mut sig: Vec<u64> = vec![0; words];
    for c in POOL.chars() {
        if literals.binary_search(&c).is_ok() {
            continue;
        }
        sig.iter_mut().for_each(|w| *w = 0);
        for (k, set) in sets.iter().enumerate() {
            if set.contains(c) {
                sig[k / 64] |= 1 << (k % 64);
            }
        }
        if sig.iter().all(|w| *w == 0) {
            // A character no set contains moves no automaton: useless to a witness.
            continue;
        }
        if !signatures
            .chunks_exact(words)
            .any(|known| known == sig.as_slice())
        {
            signatures.extend_from_slice(&sig);
            out.push(c);
        }
    }
    // Characters the pool does not cover (other non-ASCII ones) behave like `é` unless they
    // are literals, which are in already.
    out
}

/// Finds the shortest string that every automaton of `all` accepts and no automaton of
/// `none` accepts.
/// Hashes the product states of [`solve`]: short lists of state numbers the automata bound,
/// hashed many times per search, where the standard hasher's flood resistance costs most of
/// the time and buys nothing. The solver's memories of answers (keyed by the conditions as
/// written, which come from the policy, not from an adversary who sees the table) use it too.
#[derive(Default)]
pub(crate) struct StateHasher(u64);

/// A map with [`StateHasher`]: for memories looked up far more often than filled, never
/// iterated, so the hasher changes no answer.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<StateHasher>>;

impl StateHasher {
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for StateHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// The most characters a positive automaton may need for [`solve`] to ask [`quick`] for a
/// limit on the walk: ARNs and the like, far below a pattern that fills a policy.
const QUICK_MAX: u32 = 256;

/// The longest single string [`solve`] matches instead of walking: far below [`BUDGET`], so
/// that a walk that would have run out of budget still does.
const SINGLE_MAX: usize = 10_000;

/// A string every automaton of `all` accepts and none of `none` does, found by a greedy walk
/// of the product that takes at each step the character bringing the positive automata
/// closest to acceptance; `None` when the walk does not find one (which proves nothing: ask
/// [`solve`]). Not the shortest string, nor [`solve`]'s: for questions that need only
/// whether there is one.
pub(crate) fn quick(all: &[&Nfa], none: &[&Nfa]) -> Option<String> {
    if all.is_empty() {
        return None;
    }
    if all.iter().any(|n| n.single().is_some()) {
        // Matching the one string is as quick, and says no as well.
        return match solve(all, none) {
            Sat::Yes(text) => Some(text),
            _ => None,
        };
    }
    let distances: Vec<&[u32]> = all.iter().map(|n| n.distances()).collect();
    let mut marks: Vec<Marks> = all.iter().map(|n| Marks::new(n.len())).collect();
    let mut sets: Vec<Vec<u32>> = all
        .iter()
        .zip(&mut marks)
        .map(|(n, m)| n.start_set(m))
        .collect();
    let remaining = |sets: &[Vec<u32>]| {
        sets.iter()
            .zip(&distances)
            .map(|(set, d)| set.iter().map(|&s| d[s as usize]).min().unwrap_or(u32::MAX))
            .max()
            .unwrap_or(0)
    };
    let start = remaining(&sets);
    if start == u32::MAX {
        return None;
    }
    // The negative automata are stepped along: a string is refused when none accepts it, and
    // once one takes every continuation the walk cannot succeed.
    let mut neg_marks: Vec<Marks> = none.iter().map(|n| Marks::new(n.len())).collect();
    let mut neg_sets: Vec<Vec<u32>> = none
        .iter()
        .zip(&mut neg_marks)
        .map(|(n, m)| n.start_set(m))
        .collect();
    let mut neg_next: Vec<u32> = Vec::new();
    let mut text = String::new();
    let mut candidates: Vec<char> = Vec::new();
    let mut best: Vec<Vec<u32>> = Vec::new();
    let mut trial: Vec<Vec<u32>> = vec![Vec::new(); all.len()];
    for _ in 0..2 * start as usize + 16 {
        if neg_sets.iter().zip(none).any(|(set, n)| n.takes_all(set)) {
            return None;
        }
        if remaining(&sets) == 0
            && sets.iter().zip(all).all(|(set, n)| n.accepts_set(set))
            && !neg_sets.iter().zip(none).any(|(set, n)| n.accepts_set(set))
        {
            return Some(text);
        }
        candidates.clear();
        for (set, n) in sets.iter().zip(all) {
            for &s in set {
                for &(cs, _) in n.moves(s) {
                    let c = match cs {
                        CharSet::Exact(c) | CharSet::Fold(c) => Some(c),
                        set @ CharSet::Set { .. } => POOL.chars().find(|&c| set.contains(c)),
                    };
                    if let Some(c) = c.filter(|c| !candidates.contains(c)) {
                        candidates.push(c);
                    }
                }
            }
        }
        let mut chosen: Option<(u32, char)> = None;
        for &c in &candidates {
            // A character some positive automaton has no move on ends the walk: refused
            // before any step.
            let moves = |(set, n): (&Vec<u32>, &&Nfa)| {
                set.iter()
                    .any(|&s| n.moves(s).iter().any(|(cs, _)| cs.contains(c)))
            };
            if !sets.iter().zip(all).all(moves) {
                continue;
            }
            let mut alive = true;
            for (i, n) in all.iter().enumerate() {
                n.step_into(&sets[i], c, &mut marks[i], &mut trial[i]);
                if trial[i].is_empty() {
                    alive = false;
                    break;
                }
            }
            if !alive {
                continue;
            }
            let left = remaining(&trial);
            if left != u32::MAX && chosen.is_none_or(|(best_left, _)| left < best_left) {
                chosen = Some((left, c));
                std::mem::swap(&mut best, &mut trial);
                trial.resize_with(all.len(), Vec::new);
            }
        }
        let (_, c) = chosen?;
        text.push(c);
        std::mem::swap(&mut sets, &mut best);
        for ((set, n), m) in neg_sets.iter_mut().zip(none).zip(&mut neg_marks) {
            if !set.is_empty() {
                n.step_into(set, c, m, &mut neg_next);
                std::mem::swap(set, &mut neg_next);
            }
        }
    }
    None
}

/// [`quick`] for a question whose one positive pattern (a value of `StringLike`, `ArnLike`,
/// ...) is `pattern`: first the strings that fill its wildcards as a string found for an
/// earlier pattern of the same wildcards filled them (a policy's statements often differ only
/// in the literals of their patterns, `team-1-*`, `team-2-*`), each kept only when every
/// automaton of `all` accepts it and none of `none` does; then the walk, whose string is
/// remembered so. Any string it gives passes, as [`quick`]'s: which one is found is all that
/// the pattern changes.
pub(crate) fn quick_like(pattern: &str, all: &[&Nfa], none: &[&Nfa]) -> Option<String> {
    let Some((wild, literals)) = glob_parts(pattern) else {
        return quick(all, none);
    };
    let filled = filled_as_earlier(&wild, &literals, all, none);
    if filled.is_some() {
        return filled;
    }
    let found = quick(all, none)?;
    if let Some(fill) = fill_of(&wild, &literals, &found) {
        FILLS.with(|f| {
            let mut f = f.borrow_mut();
            let entry = (wild, fill);
            if !f.contains(&entry) {
                if f.len() >= FILLS_KEPT {
                    f.pop();
                }
                f.insert(0, entry);
            }
        });
    }
    Some(found)
}

/// The pattern of `literals` around the wildcards `wild`, its wildcards filled as a walk of
/// [`quick_like`] filled the same wildcards (the latest first), when every automaton of `all`
/// accepts it and none of `none` does.
fn filled_as_earlier(
    wild: &[char],
    literals: &[&str],
    all: &[&Nfa],
    none: &[&Nfa],
) -> Option<String> {
    FILLS.with(|fills| {
        first_filling(
            &fills.borrow(),
            |w| w == wild,
            literals.iter().copied(),
            |text| {
                (all.iter().all(|n| n.matches(text)) && !none.iter().any(|n| n.matches(text)))
                    .then(|| text.to_owned())
            },
        )
    })
}

/// `pattern` with its wildcards filled as each walk of [`quick_like`] kept filled the same
/// wildcards, the latest first, unchecked: candidates for the dead-statement check, which
/// tests them itself.
#[cfg(test)]
pub(crate) fn earlier_fillings(pattern: &str) -> Vec<String> {
    let Some((wild, literals)) = glob_parts(pattern) else {
        return Vec::new();
    };
    FILLS.with(|f| {
        f.borrow()
            .iter()
            .filter(|(w, _)| *w == wild)
            .map(|(_, fill)| {
                let mut text = String::new();
                for (i, lit) in literals.iter().enumerate() {
                    if i > 0 {
                        text.push_str(&fill[i - 1]);
                    }
                    text.push_str(lit);
                }
                text
            })
            .collect()
    })
}

/// The first answer of `f` over the fillings of `pattern` as earlier patterns of its
/// wildcards were filled, in their order, each written into one buffer: the dead-statement
/// check asks for one, often the first (compared with the list of them in
/// `tests::filling_as_earlier_patterns_answers_as_the_search`).
pub(crate) fn find_earlier_filling<T>(
    pattern: &str,
    f: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    if pattern.len() > FILL_MAX || !pattern.contains(['*', '?']) {
        return None;
    }
    // The pattern's wildcards, compared where they are without a list made of them.
    // `*` and `?` are single bytes, never within another character's.
    let wild_bytes = || pattern.bytes().filter(|&b| b == b'*' || b == b'?');
    let count = wild_bytes().count();
    let same = |w: &[char]| w.len() == count && w.iter().copied().eq(wild_bytes().map(char::from));
    FILLS.with(|fills| {
        // `f` fills nothing: the fillings are only read while it runs.
        first_filling(&fills.borrow(), same, Literals(Some(pattern)), f)
    })
}

/// The literal parts of a pattern around its wildcards, split at their bytes (`*` and `?`
/// begin no other character): what `pattern.split(['*', '?'])` gives, without reading the
/// pattern character by character.
#[derive(Clone)]
struct Literals<'a>(Option<&'a str>);

impl<'a> Iterator for Literals<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match rest.bytes().position(|b| b == b'*' || b == b'?') {
            Some(at) => {
                self.0 = Some(&rest[at + 1..]);
                Some(&rest[..at])
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// The first answer of `f` over the fillings of `fills` whose wildcards are `same`, each
/// written between the `literals` around the wildcards into one buffer.
fn first_filling<'a, T>(
    fills: &[(Vec<char>, Vec<String>)],
    same: impl Fn(&[char]) -> bool,
    literals: impl Iterator<Item = &'a str> + Clone,
    mut f: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    let mut text = String::new();
    let literal_length: usize = literals.clone().map(str::len).sum();
    for (w, fill) in fills {
        if !same(w) {
            continue;
        }
        // The literals around the wildcards, each wildcard's filling between them.
        text.clear();
        text.reserve(literal_length + fill.iter().map(String::len).sum::<usize>());
        let mut literals = literals.clone();
        text.push_str(literals.next().unwrap_or_default());
        for (filled, literal) in fill.iter().zip(literals) {
            text.push_str(filled);
            text.push_str(literal);
        }
        if let Some(answer) = f(&text) {
            return Some(answer);
        }
    }
    None
}

thread_local! {
    /// What [`quick_like`]'s walks filled the wildcards of their patterns with, the latest
    /// first: the wildcards in order, and the text each took.
    static FILLS: std::cell::RefCell<Vec<(Vec<char>, Vec<String>)>> =
        std::cell::RefCell::default();
}

/// How many fillings [`quick_like`] keeps.
const FILLS_KEPT: usize = 8;

/// The longest pattern and string [`fill_of`] aligns: ARNs and the like.
const FILL_MAX: usize = 256;

/// The wildcards (`*`, `?`) of a pattern in order, and its literal parts around them (one
/// more than the wildcards); `None` without a wildcard or past [`FILL_MAX`].
fn glob_parts(pattern: &str) -> Option<(Vec<char>, Vec<&str>)> {
    if pattern.len() > FILL_MAX {
        return None;
    }
    let mut wild = Vec::new();
    let mut literals = Vec::new();
    let mut from = 0;
    for (i, c) in pattern.char_indices() {
        if c == '*' || c == '?' {
            wild.push(c);
            literals.push(&pattern[from..i]);
            from = i + 1;
        }
    }
    literals.push(&pattern[from..]);
    (!wild.is_empty()).then_some((wild, literals))
}

/// The text each wildcard of a pattern (as [`glob_parts`] splits it) takes in `text`, the
/// shortest first from the left, when the pattern takes `text` at all (literals compared
/// ignoring ASCII case).
fn fill_of(wild: &[char], literals: &[&str], text: &str) -> Option<Vec<String>> {
    // The pattern as tokens: a literal character, or a wildcard (`None` for `*`).
    let mut tokens: Vec<Result<char, Option<()>>> = Vec::new();
    for (i, lit) in literals.iter().enumerate() {
        if i > 0 {
            tokens.push(Err((wild[i - 1] == '?').then_some(())));
        }
        tokens.extend(lit.chars().map(Ok));
    }
    let w: Vec<char> = text.chars().collect();
    if w.len() > FILL_MAX {
        return None;
    }
    let (m, n) = (tokens.len(), w.len());
    // `ok[i * (n + 1) + j]`: the tokens from i take the text from j.
    let mut ok = vec![false; (m + 1) * (n + 1)];
    ok[m * (n + 1) + n] = true;
    for i in (0..m).rev() {
        for j in (0..=n).rev() {
            let at = i * (n + 1) + j;
            let next = at + n + 1;
            ok[at] = match tokens[i] {
                Ok(c) => j < n && w[j].eq_ignore_ascii_case(&c) && ok[next + 1],
                Err(Some(())) => j < n && ok[next + 1],
                Err(None) => ok[next] || (j < n && ok[at + 1]),
            };
        }
    }
    if !ok[0] {
        return None;
    }
    let mut fill = Vec::with_capacity(wild.len());
    let mut j = 0;
    for (i, t) in tokens.iter().enumerate() {
        let next = (i + 1) * (n + 1);
        match t {
            Ok(_) => j += 1,
            Err(Some(())) => {
                fill.push(w[j].to_string());
                j += 1;
            }
            Err(None) => {
                let from = j;
                while !ok[next + j] {
                    j += 1;
                }
                fill.push(w[from..j].iter().collect());
            }
        }
    }
    Some(fill)
}

/// Answers of [`search`] by the automata asked about: a directory of policies asks the same
/// questions again and again (the same probes, the same patterns), and each search walks a
/// product automaton. Keyed by a hash, with the automata kept to compare in full.
type Answers = HashMap<u64, Vec<(Vec<Nfa>, usize, Sat<String>)>>;

thread_local! {
    static ANSWERS: std::cell::RefCell<Answers> = std::cell::RefCell::default();
}

/// Past this many questions the memory of answers starts again.
const ANSWERS_KEPT: usize = 4096;

/// A string every automaton of `all` accepts and none of `none` does (the shortest, first by
/// character order), as [`search`] finds it, remembered per thread.
pub(crate) fn solve(all: &[&Nfa], none: &[&Nfa]) -> Sat<String> {
    // An automaton listed twice on one side (the accounts a condition excludes and the
    // accounts the caller's class leaves out, when they are the same) asks nothing the first
    // does not: each product state holds the same set for both, so the walk, its budget and
    // its witness are those without the copy, which costs a step per state.
    if twins(all) || twins(none) {
        return solve(&distinct(all), &distinct(none));
    }
    // A positive automaton of one string leaves that string or nothing: matching it is the
    // search's answer (its characters are literals of the alphabet, so the walk would find
    // it, and it is the only one).
    let single = all
        .iter()
        .enumerate()
        .find_map(|(i, n)| n.single().map(|t| (i, t)));
    if let Some((i, text)) = single.filter(|(_, t)| t.len() < SINGLE_MAX) {
        // The one automaton accepts it: the others are left to match.
        let mut others = all.iter().enumerate().filter(|&(j, _)| j != i);
        return if others.all(|(_, n)| n.matches(&text)) && !none.iter().any(|n| n.matches(&text)) {
            Sat::Yes(text)
        } else {
            Sat::No
        };
    }
    let hash = {
        let mut h = StateHasher::default();
        std::hash::Hash::hash(&all.len(), &mut h);
        for n in all.iter().chain(none) {
            std::hash::Hash::hash(*n, &mut h);
        }
        h.finish()
    };
    let same = |(nfas, positive, _): &&(Vec<Nfa>, usize, Sat<String>)| {
        *positive == all.len()
            && nfas.len() == all.len() + none.len()
            && nfas
                .iter()
                .zip(all.iter().chain(none))
                .all(|(a, b)| a == *b)
    };
    let known = ANSWERS.with(|m| {
        m.borrow()
            .get(&hash)
            .and_then(|bucket| bucket.iter().find(same).map(|(_, _, sat)| sat.clone()))
    });
    if let Some(sat) = known {
        return sat;
    }
    // A positive automaton whose shortest string is its only one (a pattern of literals and
    // `*`s): when every other automaton takes that string as well, no shorter string passes
    // and none other of its length, so it is the search's answer, found without the walk
    // (its characters are literals of the alphabet). The walk keeps every other question; a
    // question asked before is answered from memory first, which is cheaper. Where the walk
    // would run out of budget first (a string longer than the budget's depth) this answers
    // Yes where the walk says Unknown: still a true Yes, the string being checked against
    // every automaton. It never says No.
    // One positive automaton (a key's domain beside patterns to avoid), or one beside a
    // pattern that is a literal prefix and a `*`: its first string, shortest first then in
    // the alphabet's order (after the prefix), when no negative one takes it, is the walk's
    // answer, found without the walk ([`first_passing_alone`]). With one positive automaton,
    // its only shortest string, when it has one of literals, is that first string:
    // [`shortest_passing`] would answer the same.
    if let Some(text) = first_passing_alone(all, none) {
        return Sat::Yes(text);
    }
    if all.len() > 1 {
        if let Some(text) = shortest_passing(all, none) {
            return Sat::Yes(text);
        }
    }
    // A string the greedy walk finds bounds the answer's length: the walk below then leaves
    // out every product state that cannot reach acceptance within it (see [`walk`]).
    // Asked only of automata whose strings are short (the greedy walk matches the negative
    // automata at each step past acceptance).
    let near = all.iter().all(|n| n.fewest() <= QUICK_MAX);
    let limit = near
        .then(|| quick(all, none))
        .flatten()
        .map(|w| w.chars().count());
    let sat = walk(all, none, true, limit, true);
    ANSWERS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= ANSWERS_KEPT {
            m.clear();
        }
        let nfas = all.iter().chain(none).map(|n| (*n).clone()).collect();
        m.entry(hash)
            .or_default()
            .push((nfas, all.len(), sat.clone()));
    });
    sat
}

/// Whether an automaton of `nfas` is listed twice.
fn twins(nfas: &[&Nfa]) -> bool {
    nfas.iter()
        .enumerate()
        .any(|(i, a)| nfas[..i].iter().any(|b| a == b))
}

/// `nfas` without the second and later copies of an automaton, in order.
fn distinct<'a>(nfas: &[&'a Nfa]) -> Vec<&'a Nfa> {
    let mut out: Vec<&Nfa> = Vec::with_capacity(nfas.len());
    for &n in nfas {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// The shortcut of [`solve`]: the only shortest string of some positive automaton, when every
/// automaton of `all` accepts it and none of `none` does. That automaton accepts it by
/// construction (the walk of [`Nfa::shortest_unique`] ends in its accepting state); the
/// others are matched here, so a string returned passes whatever the search's budget.
fn shortest_passing(all: &[&Nfa], none: &[&Nfa]) -> Option<String> {
    all.iter().enumerate().find_map(|(i, n)| {
        let text = n.shortest_unique()?;
        let passes = all
            .iter()
            .enumerate()
            .all(|(j, m)| j == i || m.matches(text))
            && !none.iter().any(|m| m.matches(text));
        passes.then(|| text.to_owned())
    })
}

/// The shortcut of [`solve`] for one positive automaton: its first string in the walk's order
/// (shortest first, then by the order of the question's alphabet, [`Nfa::first_shortest`]),
/// when no automaton of `none` accepts it. The walk gives the first passing string in that
/// order; this one passes and comes first among all the positive automaton accepts, so
/// first among those that pass too. As with [`shortest_passing`], where the walk would run
/// out of budget first this answers Yes where the walk says Unknown, with a string checked
/// against every automaton; it never says No.
///
/// Beside a second positive automaton that takes exactly a prefix of literals and anything
/// after it ([`Nfa::prefix_then_anything`], a pattern such as `o-a1b2c3d4e5/*`), the strings
/// both take are the prefix followed by what the first takes after it, in the same order:
/// the first of them is the prefix and the first string from where the prefix leads.
fn first_passing_alone(all: &[&Nfa], none: &[&Nfa]) -> Option<String> {
    let (one, prefix) = match all {
        [one] => (*one, String::new()),
        [a, b] => match b.prefix_then_anything() {
            Some(p) => (*a, p),
            None => (*b, a.prefix_then_anything()?),
        },
        _ => return None,
    };
    let literals = literals_of(all.iter().chain(none).copied());
    let text = one.first_shortest(&prefix, &literals)?;
    (!none.iter().any(|n| n.matches(&text))).then_some(text)
}

/// One component of the product, determinized as the search goes: each set of its states
/// gets a number the first time it is reached, and each step from a set on a character is
/// computed once, however many product states share the set.
struct Component<'a> {
    nfa: &'a Nfa,
    marks: Marks,
    ids: HashMap<Vec<u32>, u32, BuildHasherDefault<StateHasher>>,
    accepting: Vec<bool>,
    empty: Vec<bool>,
    /// `next[set * sigma + c]`: the set reached, `u32::MAX` until computed.
    next: Vec<u32>,
    sets: Vec<Vec<u32>>,
    /// The set a step computes, before it is known to be new.
    scratch: Vec<u32>,
    /// Per set: the fewest characters to acceptance from it (`u32::MAX` when none).
    least: Vec<u32>,
    /// Per set, for a negative component: whether it holds a state that accepts every
    /// continuation (a pattern's final `*` reached), so that no string through it passes.
    universal: Vec<bool>,
    /// Per set: the only characters that leave it, as their places in the alphabet in
    /// order, when all its moves are on single characters (the literal parts of a pattern):
    /// every other character is refused without a step, and the search tries only these.
    only: Vec<Option<Vec<u32>>>,
    sigma: &'a [char],
}

impl<'a> Component<'a> {
    fn new(nfa: &'a Nfa, sigma: &'a [char]) -> Component<'a> {
        Component {
            nfa,
            sigma,
            marks: Marks::new(nfa.len()),
            ids: HashMap::default(),
            accepting: Vec::new(),
            empty: Vec::new(),
            next: Vec::new(),
            sets: Vec::new(),
            scratch: Vec::new(),
            least: Vec::new(),
            universal: Vec::new(),
            only: Vec::new(),
        }
    }

    fn intern(&mut self, set: Vec<u32>, sigma: usize) -> u32 {
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = self.sets.len() as u32;
        self.accepting.push(self.nfa.accepts_set(&set));
        self.empty.push(set.is_empty());
        let dist = self.nfa.distances();
        self.least.push(
            set.iter()
                .map(|&s| dist[s as usize])
                .min()
                .unwrap_or(u32::MAX),
        );
        self.universal.push(self.nfa.takes_all(&set));
        let mut only = Some(Vec::new());
        for &s in &set {
            for &(cs, _) in self.nfa.moves(s) {
                match (cs, &mut only) {
                    // Every literal is in the alphabet; one that is not (never) keeps the
                    // set out of the shortcut.
                    (CharSet::Exact(c), Some(list)) => {
                        match self.sigma.iter().position(|&x| x == c) {
                            Some(at) => list.push(at as u32),
                            None => only = None,
                        }
                    }
                    _ => only = None,
                }
            }
        }
        if let Some(list) = &mut only {
            list.sort_unstable();
            list.dedup();
        }
        self.only.push(only);
        self.next.extend(std::iter::repeat_n(u32::MAX, sigma));
        self.ids.insert(set.clone(), id);
        self.sets.push(set);
        id
    }

    fn start(&mut self, sigma: usize) -> u32 {
        let set = self.nfa.start_set(&mut self.marks);
        self.intern(set, sigma)
    }

    fn step(&mut self, id: u32, ci: usize, c: char, sigma: usize) -> u32 {
        let slot = id as usize * sigma + ci;
        if self.next[slot] != u32::MAX {
            return self.next[slot];
        }
        let mut set = std::mem::take(&mut self.scratch);
        if self.only[id as usize]
            .as_ref()
            .is_some_and(|only| only.binary_search(&(ci as u32)).is_err())
        {
            set.clear();
        } else {
            self.nfa
                .step_into(&self.sets[id as usize], c, &mut self.marks, &mut set);
        }
        let to = match self.ids.get(set.as_slice()) {
            Some(&known) => known,
            None => self.intern(set.clone(), sigma),
        };
        self.scratch = set;
        self.next[slot] = to;
        to
    }
}

/// The breadth-first walk of the product automaton behind [`solve`], over every product state.
/// `narrow`: try only the characters a literal state moves on (the same answer, fewer steps;
/// false for the tests that compare the two).
#[cfg(test)]
fn search(all: &[&Nfa], none: &[&Nfa], narrow: bool) -> Sat<String> {
    walk(all, none, narrow, None, false)
}

/// The breadth-first walk of the product automaton behind [`solve`]. A product state is the
/// set of states of each component, numbered per component.
/// `narrow`: try only the characters a literal state moves on (the same answer, fewer steps).
/// `limit`: the length of some string known to pass; `prune`: leave out the product states
/// no passing string goes through: a positive component that cannot reach acceptance, a
/// negative one that accepts every continuation, and (with `limit`) a state whose depth and
/// fewest characters still needed (the most any positive component needs) exceed the
/// limit. A state left out has only such states after it (distances fall by at most one a
/// character, and a negative that takes every continuation keeps doing so), so every other
/// state is reached first by the same string as without pruning, and the walk gives the
/// same witness: the shortest passing string, first in the alphabet's order, whose length is
/// within the limit. Only the budget differs, counting fewer states.
fn walk(
    all: &[&Nfa],
    none: &[&Nfa],
    narrow: bool,
    limit: Option<usize>,
    prune: bool,
) -> Sat<String> {
    let nfas = all.iter().chain(none.iter()).copied();
    let sigma = alphabet(nfas.clone());
    let width = sigma.len();
    let mut components: Vec<Component> = nfas.map(|n| Component::new(n, &sigma)).collect();
    let positive = all.len();
    let start: Vec<u32> = components.iter_mut().map(|c| c.start(width)).collect();
    let accepted = |components: &[Component], ids: &[u32]| {
        ids.iter()
            .zip(components)
            .enumerate()
            .all(|(i, (&id, c))| c.accepting[id as usize] == (i < positive))
    };
    let dead = |components: &[Component], ids: &[u32], depth: usize| {
        let mut needed = 0u32;
        for (i, (&id, c)) in ids.iter().zip(components).enumerate() {
            if i < positive {
                if c.least[id as usize] == u32::MAX {
                    return true;
                }
                needed = needed.max(c.least[id as usize]);
            } else if c.universal[id as usize] {
                return true;
            }
        }
        limit.is_some_and(|l| depth + needed as usize > l)
    };
    // Whether a state was left out: then a walk that ends without a string (which a true
    // limit never lets happen) says Unknown, not No.
    let mut left_out = false;
    if start[..positive]
        .iter()
        .zip(&components)
        .any(|(&id, c)| c.empty[id as usize])
        || (prune && dead(&components, &start, 0))
    {
        return Sat::No;
    }
    if accepted(&components, &start) {
        return Sat::Yes(String::new());
    }
    // Breadth-first. The product states live side by side in `states` (`w` numbers each),
    // with how each was reached in `reached`, for the witness; `seen` finds a state by its
    // hash (`chain` links the states of one hash), without a copy of it per state.
    let w = components.len();
    let mut states: Vec<u32> = start;
    let mut reached: Vec<(usize, char)> = vec![(usize::MAX, ' ')];
    // The depth of each product state, for `limit`.
    let mut depths: Vec<u32> = vec![0];
    let hash_of = |ids: &[u32]| {
        let mut h = StateHasher::default();
        for &x in ids {
            h.add(u64::from(x));
        }
        h.finish()
    };
    let mut seen: HashMap<u64, u32, BuildHasherDefault<StateHasher>> = HashMap::default();
    let mut chain: Vec<u32> = vec![u32::MAX];
    seen.insert(hash_of(&states), 0);
    let mut head = 0;
    // The positive components are stepped smallest first: a pattern refuses most characters
    // before the larger domain is stepped at all. The order of stepping changes no answer.
    let mut stepping: Vec<usize> = (0..w).collect();
    stepping[..positive].sort_by_key(|&i| components[i].nfa.len());
    let mut ids: Vec<u32> = vec![0; w];
    let mut current: Vec<u32> = vec![0; w];
    let mut tried: Vec<u32> = Vec::with_capacity(width);
    while head < reached.len() {
        if reached.len() > BUDGET {
            return Sat::Unknown;
        }
        current.copy_from_slice(&states[head * w..(head + 1) * w]);
        // A positive component whose set moves on literals alone refuses every other
        // character: only those are tried, in the alphabet's order, so the walk and its
        // witness are the same as over the whole alphabet.
        tried.clear();
        let narrowest = (0..positive)
            .filter_map(|i| components[i].only[current[i] as usize].as_ref())
            .min_by_key(|list| list.len())
            .filter(|_| narrow);
        match narrowest {
            Some(list) => tried.extend_from_slice(list),
            None => tried.extend(0..width as u32),
        }
        'chars: for &ci in &tried {
            let ci = ci as usize;
            let c = sigma[ci];
            for &i in &stepping {
                let component = &mut components[i];
                let next = component.step(current[i], ci, c, width);
                if i < positive && component.empty[next as usize] {
                    continue 'chars;
                }
                ids[i] = next;
            }
            if prune && dead(&components, &ids, depths[head] as usize + 1) {
                left_out |= limit.is_some();
                continue 'chars;
            }
            let hash = hash_of(&ids);
            let first = seen.get(&hash).copied().unwrap_or(u32::MAX);
            let mut at = first;
            while at != u32::MAX {
                let k = at as usize;
                if states[k * w..(k + 1) * w] == ids[..] {
                    continue 'chars;
                }
                at = chain[k];
            }
            let done = accepted(&components, &ids);
            let index = reached.len();
            states.extend_from_slice(&ids);
            reached.push((head, c));
            depths.push(depths[head] + 1);
            chain.push(first);
            seen.insert(hash, index as u32);
            if done {
                let mut text = Vec::new();
                let mut at = index;
                while at != 0 {
                    text.push(reached[at].1);
                    at = reached[at].0;
                }
                return Sat::Yes(text.into_iter().rev().collect());
            }
        }
        head += 1;
    }
    if left_out {
        Sat::Unknown
    } else {
        Sat::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literals of automata with folded and exact characters (ASCII, the Kelvin sign,
    /// the long s, dotted and dotless i, sharp s, final sigma and more) are those read by
    /// comparing every pair.
    #[test]
    fn literals_are_those_of_every_pair() {
        let mut next = crate::test_random::xorshift_usize(0x6c69_7465_7261_6c73);
        let chars: Vec<char> = "aAkKsSiIzZ09:/-_*?"
            .chars()
            .chain([
                '\u{212a}', '\u{17f}', '\u{130}', '\u{131}', '\u{df}', '\u{1e9e}',
            ])
            .chain([
                '\u{3a3}', '\u{3c3}', '\u{3c2}', '\u{e9}', '\u{c9}', '\u{3a9}',
            ])
            .collect();
        let mut folding = 0;
        for _ in 0..2_000 {
            let patterns: Vec<String> = (0..1 + next(3))
                .map(|_| (0..next(8)).map(|_| chars[next(chars.len())]).collect())
                .collect();
            let (wildcards, fold) = (next(2) == 0, next(2) == 0);
            let nfas = [
                Nfa::strings(patterns.iter().map(String::as_str), wildcards, fold),
                Nfa::strings(patterns.iter().take(1).map(String::as_str), false, !fold),
            ];
            folding += usize::from(fold);
            assert_eq!(
                literals_of(nfas.iter()),
                literals_of_by_pairs(nfas.iter()),
                "{patterns:?} wildcards {wildcards} fold {fold}"
            );
        }
        assert!(folding > 500, "{folding} folding cases");
    }

    /// A random expression of literals, classes, sequences, choices and stars, `depth` deep
    /// at most: the automata the moves and distances tests build.
    fn random_re(next: &mut dyn FnMut(u64) -> u64, depth: u32) -> Re {
        match next(if depth == 0 { 2 } else { 5 }) {
            0 => Re::lit(["", "a", "arn:", "role/"][next(4) as usize]),
            1 => {
                let min = next(3) as usize;
                Re::class("a-z0-9", min, min + next(3) as usize)
            }
            2 => Re::Seq((0..next(4)).map(|_| random_re(next, depth - 1)).collect()),
            3 => Re::Alt((0..next(4)).map(|_| random_re(next, depth - 1)).collect()),
            _ => Re::Star(Box::new(random_re(next, depth - 1))),
        }
    }

    fn like(p: &str) -> Nfa {
        Nfa::strings([p], true, false)
    }

    #[test]
    fn patterns_match_like_the_evaluator() {
        let n = like("a*b?c");
        assert!(n.matches("abxc"));
        assert!(n.matches("aXXbyc"));
        assert!(!n.matches("abc"));
        let eq = Nfa::strings(["a*"], false, false);
        assert!(eq.matches("a*"));
        assert!(!eq.matches("ab"));
        let fold = Nfa::strings(["AbC"], false, true);
        assert!(fold.matches("abc") && fold.matches("ABC"));
        assert!(!fold.matches("abd"));
        let arn = Nfa::arns(["arn:aws:iam::*:role/*"]);
        assert!(arn.matches("arn:aws:iam::123456789012:role/x"));
        assert!(arn.matches("arn:aws:iam::123456789012:role/x:y"));
        assert!(!arn.matches("arn:aws:iam::1:2:role/x"));
        assert!(!Nfa::arns(["*"]).matches("arn:aws:s3:::b"));
    }

    /// Matching by bit sets answers as matching by lists of states, for every automaton of
    /// the fixed and the random questions, on the strings their searches find and on those
    /// strings cut, grown and changed.
    #[test]
    fn matching_by_bit_sets_is_matching_by_lists() {
        let mut questions = questions();
        questions.extend(random_questions(600));
        let mut compared = 0;
        let mut accepted = 0;
        for (all, none) in &questions {
            let a: Vec<&Nfa> = all.iter().collect();
            let n: Vec<&Nfa> = none.iter().collect();
            let mut texts: Vec<String> = vec![String::new(), "a".into(), "ab:".into()];
            for x in [solve(&a, &n), solve(&a, &[])] {
                if let Sat::Yes(t) = x {
                    let chars: Vec<char> = t.chars().collect();
                    for cut in [0, chars.len() / 2, chars.len().saturating_sub(1)] {
                        texts.push(chars[..cut].iter().collect());
                    }
                    texts.push(format!("{t}a"));
                    texts.push(format!("{t}\u{e9}"));
                    texts.push(t.to_uppercase());
                    texts.push(t.replace(':', "/"));
                    texts.push(t);
                }
            }
            for nfa in all.iter().chain(none) {
                if nfa.bits().is_none() {
                    continue;
                }
                for t in &texts {
                    let by_lists = nfa.matches_sets(t);
                    assert_eq!(nfa.matches(t), by_lists, "{t:?}");
                    compared += 1;
                    accepted += usize::from(by_lists);
                }
            }
        }
        assert!(
            compared > 10_000 && accepted > 1_000,
            "{compared} {accepted}"
        );
    }

    /// The closures of [`Bits`], grown until none grows, are the sets the walk's closure
    /// gives each state, over the fixed and random questions' automata, the caller's domains
    /// and automata of nested stars (empty moves leading back).
    #[test]
    fn bit_closures_are_the_closures_of_the_walk() {
        use crate::keys::{iam_name_re, path_re, session_name_re};
        let mut nfas: Vec<Nfa> = Vec::new();
        for (all, none) in questions().into_iter().chain(random_questions(600)) {
            nfas.extend(all);
            nfas.extend(none);
        }
        for word in ["user", "role", "root"] {
            nfas.push(arn_domain(word));
        }
        let star = |re: Re| Re::Star(Box::new(re));
        nfas.push(Nfa::from_re(&star(star(Re::Seq(vec![
            Re::lit("a"),
            star(Re::lit("b")),
            Re::Alt(vec![Re::lit(""), star(Re::lit("c"))]),
        ])))));
        nfas.push(Nfa::from_re(&Re::Seq(vec![path_re(), iam_name_re()])));
        nfas.push(Nfa::from_re(&Re::Alt(vec![session_name_re(), path_re()])));
        let mut compared = 0;
        for nfa in &nfas {
            let n = nfa.len();
            let words = n.div_ceil(64);
            let bits = nfa.closure_bits(words);
            let mut marks = Marks::new(n);
            for s in 0..n {
                let mut set = vec![s as u32];
                nfa.closure(&mut set, &mut marks);
                let of_bits: Vec<u32> = (0..n as u32)
                    .filter(|&t| bits[s * words + t as usize / 64] & (1 << (t % 64)) != 0)
                    .collect();
                assert_eq!(of_bits, set, "state {s} of {nfa:?}");
                compared += 1;
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    /// The answer kept for the last long text is the walk's: every automaton of the fixed and
    /// random questions asked about texts its searches find, changed, repeated at once and
    /// after others, and through a copy made after a match.
    #[test]
    fn the_last_answer_kept_is_the_walks() {
        let mut compared = 0;
        let mut kept = 0;
        for (all, none) in questions().iter().chain(&random_questions(300)) {
            let a: Vec<&Nfa> = all.iter().collect();
            let n: Vec<&Nfa> = none.iter().collect();
            let mut texts: Vec<String> = vec!["a".repeat(LAST_MIN), "ab:".repeat(LAST_MIN)];
            for x in [solve(&a, &n), solve(&a, &[])] {
                if let Sat::Yes(t) = x {
                    let long = format!("{t}{}", "x".repeat(LAST_MIN));
                    texts.push(long.clone());
                    texts.push(format!("{t}-{t}"));
                    texts.push(long[..long.len() - 1].to_owned());
                    texts.push(long.to_uppercase());
                    texts.push(t);
                }
            }
            for nfa in all.iter().chain(none) {
                for round in 0..2 {
                    for (i, t) in texts.iter().enumerate() {
                        let walked = nfa.matches_sets(t);
                        let other = &texts[(i + 1) % texts.len()];
                        for u in [t, t, other, t] {
                            let expected = if u == t { walked } else { nfa.matches_sets(u) };
                            assert_eq!(nfa.matches(u), expected, "{u:?} ({round}): {nfa:?}");
                            compared += 1;
                        }
                        kept += usize::from(t.len() >= LAST_MIN);
                        let copy = nfa.clone();
                        assert_eq!(copy.matches(other), nfa.matches_sets(other), "{other:?}");
                    }
                }
            }
        }
        assert!(compared > 10_000 && kept > 1_000, "{compared} {kept}");
    }

    fn arn_domain(word: &str) -> Nfa {
        use crate::keys::{account_re, iam_name_re, path_re};
        Nfa::from_re(&Re::Seq(vec![
            Re::lit("arn:aws:iam::"),
            account_re(),
            Re::Lit(format!(":{word}")),
            path_re(),
            iam_name_re(),
        ]))
    }

    /// Conjunctions over the domains the solver asks about, patterns with and without
    /// wildcards beside them: `(positive, negative)`.
    fn questions() -> Vec<(Vec<Nfa>, Vec<Nfa>)> {
        let root = || Nfa::from_re(&Re::lit("arn:aws:iam::111122223333:root"));
        let role = || Nfa::arns(["arn:aws:iam::*:role/team-1-*"]);
        vec![
            (vec![root(), like("arn:aws:iam::*:role/*")], vec![]),
            (vec![root(), like("arn:aws:iam::*:ro?t")], vec![]),
            (
                vec![root(), like("arn:aws:iam::*:ro?t")],
                vec![like("*1111*")],
            ),
            (vec![root(), like("*")], vec![like("*:root")]),
            (vec![root(), role()], vec![]),
            (
                vec![root()],
                vec![Nfa::strings(
                    ["ARN:AWS:IAM::111122223333:ROOT"],
                    false,
                    true,
                )],
            ),
            (vec![like("a?c")], vec![like("aac")]),
            (vec![like("a*c")], vec![like("ac"), like("a?c")]),
            (vec![like("a")], vec![like("a")]),
            (vec![like("a*")], vec![like("a")]),
            (vec![like("a*b*c")], vec![like("*b*")]),
            (vec![like("a*b*c")], vec![like("*bb*")]),
            (
                vec![arn_domain("user"), like("arn:aws:iam::*:role/team-1-*")],
                vec![],
            ),
            (
                vec![arn_domain("role"), like("arn:aws:iam::*:role/team-1-*")],
                vec![like("*:role/team-1-a*")],
            ),
            (
                vec![arn_domain("role"), role()],
                vec![like("arn:aws:iam::?*")],
            ),
            (vec![arn_domain("user"), role()], vec![]),
            (
                vec![Nfa::from_re(&crate::keys::account_re()), like("1*2")],
                vec![like("1?*")],
            ),
        ]
    }

    #[test]
    fn one_string_is_decided_as_the_walk_decides() {
        assert_eq!(like("abc").single().as_deref(), Some("abc"));
        assert_eq!(
            Nfa::strings(["a*?"], false, false).single().as_deref(),
            Some("a*?")
        );
        // Wildcards, letters ignoring case, classes and alternatives branch.
        for n in [
            like("a?c"),
            like("a*"),
            Nfa::strings(["abc"], false, true),
            Nfa::strings(["ab", "ac"], false, false),
            Nfa::from_re(&crate::keys::account_re()),
            Nfa::arns(["arn:aws:iam::*:root"]),
        ] {
            assert_eq!(n.single(), None, "{n:?}");
        }
        for (all, none) in questions() {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            assert_eq!(
                solve(&all, &none),
                search(&all, &none, true),
                "{all:?} {none:?}"
            );
        }
    }

    #[test]
    fn the_quick_walk_finds_only_what_there_is() {
        let mut found = 0;
        for (all, none) in questions() {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            match (quick(&all, &none), search(&all, &none, true)) {
                (Some(w), Sat::Yes(_)) => {
                    assert!(all.iter().all(|n| n.matches(&w)), "{w:?}: {all:?}");
                    assert!(!none.iter().any(|n| n.matches(&w)), "{w:?}: {none:?}");
                    found += 1;
                }
                (None, _) => {}
                (Some(w), other) => panic!("{w:?} where the walk says {other:?}: {all:?}"),
            }
        }
        // The ARN questions the dead-statement check asks are found without the walk.
        let domain = arn_domain("user");
        let pattern = like("arn:aws:iam::*:role/team-1-*");
        assert!(quick(&[&domain, &pattern], &[]).is_some());
        assert!(quick(&[&like("a*")], &[&like("a")]).is_some_and(|w| w != "a"));
        assert!(found >= 5, "{found}");
    }

    #[test]
    fn adversarial_conjunctions() {
        let abc = like("a*b*c");
        let no_b = like("*b*");
        assert_eq!(solve(&[&abc], &[&no_b]), Sat::No);
        let no_bb = like("*bb*");
        let w = match solve(&[&abc], &[&no_bb]) {
            Sat::Yes(w) => w,
            other => panic!("{other:?}"),
        };
        assert!(abc.matches(&w) && !no_bb.matches(&w));
        assert_eq!(w, "abc");
        // `*` is all strings: nothing survives its negation.
        assert_eq!(solve(&[&like("x?y")], &[&like("*")]), Sat::No);
        // ? is exactly one character.
        assert_eq!(solve(&[&like("??")], &[&like("?"), &like("??*")]), Sat::No);
        assert_eq!(
            solve(&[&like("??")], &[&like("?"), &like("???*")]),
            Sat::Yes("aa".into())
        );
        assert!(solve(&[&like("??*")], &[&like("??")]).is_yes());
    }

    /// Questions of patterns over a few characters, ARN patterns and the `aws:SourceArn`
    /// domain, with and without case folding.
    fn random_questions(n: usize) -> Vec<(Vec<Nfa>, Vec<Nfa>)> {
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let glob = |next: &mut dyn FnMut(u64) -> u64, pieces: &[&str]| {
            let len = 1 + next(6) as usize;
            (0..len)
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect::<String>()
        };
        let source_arn = || {
            Nfa::from_re(&(crate::keys::key_info(
                "aws:sourcearn",
                crate::keys::Kind::Service,
            )
            .domain)())
        };
        let mut out = Vec::new();
        for k in 0..n {
            let mut all = Vec::new();
            let mut none = Vec::new();
            if k % 3 == 0 {
                let account = ["111122223333", "123456789012", "1*", "*"][next(4) as usize];
                let service = ["codebuild", "lambda", "*", "s3"][next(4) as usize];
                let region = ["us-east-1", "*", "", "eu-*"][next(4) as usize];
                let rest = ["project/*", "function:*", "*", "x?y", "project/a"][next(5) as usize];
                let p = format!("arn:aws:{service}:{region}:{account}:{rest}");
                all.push(source_arn());
                all.push(if next(2) == 0 {
                    Nfa::arns([p.as_str()])
                } else {
                    like(&p)
                });
                none.push(Nfa::strings(
                    crate::keys::source_arn_exclusions(),
                    true,
                    false,
                ));
                for _ in 0..next(3) {
                    let a = ["111122223333", "123456789012", "210987654321"][next(3) as usize];
                    none.push(Nfa::arns([format!("arn:*:*:*:{a}:*").as_str()]));
                }
                if next(3) == 0 {
                    none.push(like("arn:aws:codebuild:us-east-1:*"));
                }
            } else {
                let pieces = ["a", "b", "ab", "*", "?", "A", ":"];
                for _ in 0..1 + next(3) {
                    // Several values: a state with moves on several literals.
                    let values: Vec<String> =
                        (0..1 + next(3)).map(|_| glob(&mut next, &pieces)).collect();
                    all.push(Nfa::strings(
                        values.iter().map(String::as_str),
                        next(3) != 0,
                        next(4) == 0,
                    ));
                }
                for _ in 0..next(3) {
                    let g = glob(&mut next, &pieces);
                    none.push(Nfa::strings([g.as_str()], true, next(4) == 0));
                }
            }
            out.push((all, none));
        }
        out
    }

    /// [`Literals`] splits a pattern as `split(['*', '?'])`, fixed patterns and 2,000 random
    /// ones of wildcards, letters and letters of several bytes.
    #[test]
    fn literals_as_split() {
        let mut patterns: Vec<String> = ["", "*", "a*b?c", "**", "é*?", "arn:aws:iam::*:role/*"]
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        let mut next = crate::test_random::xorshift(0x2127_599b_f432_5c37);
        let pieces = ["*", "?", "a", "é", "日", ":"];
        for _ in 0..2_000 {
            patterns.push(
                (0..next(10))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect(),
            );
        }
        for p in &patterns {
            let split: Vec<&str> = p.split(['*', '?']).collect();
            assert_eq!(Literals(Some(p)).collect::<Vec<_>>(), split, "{p:?}");
        }
    }

    /// [`quick_like`] gives only strings that pass, and one whenever the search finds one
    /// (itself or through [`quick`]'s fallback), over sequences of questions whose patterns
    /// differ only in their literals, as a policy's statements do: the fixed ARN questions of
    /// a deny per team, and random patterns over a few characters with random literals in
    /// place, beside random other automata.
    #[test]
    fn filling_as_earlier_patterns_answers_as_the_search() {
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let mut questions: Vec<(String, Vec<Nfa>, Vec<Nfa>)> = Vec::new();
        for account in ["111122223333", "444455556666"] {
            let role = Nfa::from_re(&Re::Seq(vec![
                Re::lit("arn:aws:iam::"),
                Re::lit(account),
                Re::lit(":role"),
                crate::keys::path_re(),
                crate::keys::iam_name_re(),
            ]));
            for i in 0..30 {
                let p = format!("arn:aws:iam::*:role/team-{i}-*");
                let mut none = vec![like("arn:aws:iam::*:role/team-3-x*")];
                if i % 7 == 0 {
                    none.push(like(&format!("arn:aws:iam::{account}:role/team-{i}-*")));
                }
                let all = vec![role.clone(), Nfa::arns([p.as_str()])];
                questions.push((p, all, none));
            }
        }
        let pieces = ["a", "b", "ab", "A", ":", "?", "*"];
        let literals = ["a", "b", "ab", "ba", "", "A", ":", "bb"];
        for _ in 0..150 {
            // A skeleton of literals and wildcards, filled with new literals each time.
            let skeleton: Vec<&str> = (0..1 + next(5))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            let others: Vec<String> = (0..next(3))
                .map(|_| {
                    (0..1 + next(4))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect()
                })
                .collect();
            for _ in 0..4 {
                let p: String = skeleton
                    .iter()
                    .map(|&s| {
                        if s == "*" || s == "?" {
                            s
                        } else {
                            literals[next(literals.len() as u64) as usize]
                        }
                    })
                    .collect();
                let mut all = vec![Nfa::strings([p.as_str()], true, next(4) == 0)];
                let mut none = Vec::new();
                for o in &others {
                    if next(2) == 0 {
                        all.push(like(o));
                    } else {
                        none.push(Nfa::strings([o.as_str()], true, next(4) == 0));
                    }
                }
                questions.push((p, all, none));
            }
        }
        let (mut filled, mut yes, mut no, mut compared) = (0, 0, 0, 0);
        for (p, all, none) in &questions {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            if let Some((wild, literals)) = glob_parts(p) {
                if let Some(text) = filled_as_earlier(&wild, &literals, &all, &none) {
                    filled += 1;
                    assert!(solve(&all, &none).is_yes(), "{p} {text}");
                }
            }
            let found = quick_like(p, &all, &none);
            // The fillings found one at a time are the fillings, in order; the search stops
            // at the first answer.
            let listed = earlier_fillings(p);
            let mut seen = Vec::new();
            assert_eq!(
                find_earlier_filling(p, |t| {
                    seen.push(t.to_owned());
                    None::<()>
                }),
                None
            );
            assert_eq!(seen, listed, "{p}");
            if let Some(last) = listed.last() {
                compared += 1;
                let mut asked = 0;
                let first = find_earlier_filling(p, |t| {
                    asked += 1;
                    (t == last).then(|| t.to_owned())
                });
                assert_eq!(first.as_ref(), Some(last), "{p}");
                assert_eq!(
                    asked,
                    1 + listed.iter().position(|t| t == last).unwrap_or(0)
                );
            }
            match solve(&all, &none) {
                Sat::Yes(_) => yes += 1,
                Sat::No => no += 1,
                Sat::Unknown => {}
            }
            match found {
                Some(text) => {
                    assert!(all.iter().all(|n| n.matches(&text)), "{p} {text}");
                    assert!(!none.iter().any(|n| n.matches(&text)), "{p} {text}");
                    assert!(solve(&all, &none).is_yes(), "{p} {text}");
                }
                None => assert_eq!(quick(&all, &none), None, "{p}"),
            }
        }
        // Fillings answer many questions, and both answers are asked about.
        assert!(filled > 100 && yes > 200 && no > 50, "{filled} {yes} {no}");
        assert!(compared > 100, "{compared}");
    }

    /// [`fill_of`] splits a string a pattern takes into what its wildcards take: the pattern's
    /// literals around them give back the string (ignoring case where the literals matched
    /// so), and a string the pattern does not take has no split.
    #[test]
    fn fillings_give_back_the_string() {
        let mut next = crate::test_random::xorshift(0x1234_5678_9abc_def1);
        let pieces = ["a", "b", "ab", "*", "?", ":", "**"];
        let (mut split, mut refused) = (0, 0);
        for _ in 0..2000 {
            let p: String = (0..1 + next(6))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            let text: String = (0..next(8))
                .map(|_| ["a", "b", ":", "c"][next(4) as usize])
                .collect();
            let Some((wild, literals)) = glob_parts(&p) else {
                assert!(!p.contains(['*', '?']));
                continue;
            };
            match fill_of(&wild, &literals, &text) {
                Some(fill) => {
                    split += 1;
                    assert!(like(&p).matches(&text), "{p} {text}");
                    assert_eq!(fill.len(), wild.len());
                    let mut back = String::new();
                    for (i, lit) in literals.iter().enumerate() {
                        if i > 0 {
                            assert!(wild[i - 1] == '*' || fill[i - 1].chars().count() == 1);
                            back.push_str(&fill[i - 1]);
                        }
                        back.push_str(lit);
                    }
                    assert_eq!(back, text, "{p}");
                }
                None => {
                    refused += 1;
                    assert!(!like(&p).matches(&text), "{p} {text}");
                }
            }
        }
        assert!(split > 150 && refused > 300, "{split} {refused}");
    }

    #[test]
    fn trying_only_literal_moves_finds_what_the_whole_alphabet_finds() {
        let mut yes = 0;
        let mut no = 0;
        let mut fixed = questions();
        fixed.extend(random_questions(600));
        for (all, none) in &fixed {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            let narrow = search(&all, &none, true);
            match &narrow {
                Sat::Yes(_) => yes += 1,
                Sat::No => no += 1,
                Sat::Unknown => {}
            }
            assert_eq!(narrow, search(&all, &none, false), "{all:?} {none:?}");
        }
        // Both answers are asked about, many times.
        assert!(yes > 100 && no > 50, "{yes} {no}");
    }

    #[test]
    fn an_automaton_listed_twice_changes_no_answer() {
        let accounts = ["111122223333", "444455556666", "111122224444"];
        let mut questions = questions();
        questions.extend(random_questions(300));
        questions.push((
            vec![Nfa::from_re(&crate::keys::account_re())],
            vec![Nfa::strings(accounts, false, false)],
        ));
        for (all, none) in questions {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            let once = walk(&all, &none, true, None, true);
            let asked = solve(&all, &none);
            let mut all2 = all.clone();
            all2.extend(all.first().copied());
            let mut none2 = none.clone();
            none2.extend(none.last().copied());
            // The walk over the copies is the walk without them; the search asks once.
            assert_eq!(
                walk(&all2, &none2, true, None, true),
                once,
                "{all:?} {none:?}"
            );
            assert!(twins(&none2) || none.is_empty());
            assert_eq!(solve(&all2, &none2), asked, "{all:?} {none:?}");
        }
    }

    /// The first string of one positive automaton, when no negative one takes it
    /// ([`first_passing_alone`]), is the walk's witness: over the fixed and 600 random
    /// questions with one positive automaton, the caller's ARN domains (any account, or one)
    /// beside role and user patterns, and 600 random patterns with `?`, classes and letters
    /// ignoring case beside random negatives.
    #[test]
    fn the_first_string_of_one_automaton_is_what_the_walk_finds() {
        use crate::keys::{iam_name_re, path_re};
        let mut questions = questions();
        questions.extend(random_questions(600));
        let fixed = |word: &str| {
            Nfa::from_re(&Re::Seq(vec![
                Re::lit("arn:aws:iam::999999999998"),
                Re::Lit(format!(":{word}")),
                path_re(),
                iam_name_re(),
            ]))
        };
        let patterns = [
            "arn:aws:iam::100000000000:role/*",
            "arn:aws:iam::999999999998:role/*",
            "arn:aws:iam::*:user/0*",
            "arn:aws:iam::*:*/?",
            "arn:aws:iam::9*:role/a*",
            "arn:aws:iam::*:role/*/*",
        ];
        for word in ["user", "role"] {
            for (i, p) in patterns.iter().enumerate() {
                let negatives: Vec<Nfa> = patterns[..=i].iter().map(|p| Nfa::arns([*p])).collect();
                questions.push((vec![arn_domain(word)], vec![Nfa::arns([*p])]));
                questions.push((vec![fixed(word)], vec![Nfa::arns([*p])]));
                questions.push((vec![fixed(word)], negatives));
            }
        }
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let pieces = ["a", "b", "0", "?", "*", ":", "B", "ab"];
        for _ in 0..600 {
            let (negatives, fold) = (next(4), next(3) == 0);
            let mut glob = || {
                (0..1 + next(5))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect::<String>()
            };
            let positive = Nfa::strings([glob().as_str()], true, fold);
            let none: Vec<Nfa> = (0..negatives).map(|_| like(&glob())).collect();
            questions.push((vec![positive], none));
        }
        // Domains beside a prefix and a `*` (either order), and random patterns beside them.
        let org = || {
            Nfa::from_re(&(crate::keys::key_info(
                "aws:principalorgid",
                crate::keys::Kind::User,
            )
            .domain)())
        };
        let paths = || {
            Nfa::from_re(&(crate::keys::key_info(
                "aws:principalorgpaths",
                crate::keys::Kind::User,
            )
            .domain)())
        };
        for p in ["o-0*", "o-a1b2c3d4e5*", "o-", "o-0?*", "o-*0"] {
            questions.push((vec![org(), like(p)], vec![]));
            questions.push((vec![like(p), org()], vec![like("o-00*")]));
            questions.push((vec![paths(), like(&format!("{p}/*"))], vec![]));
            questions.push((
                vec![paths(), like(&format!("{p}zz9unnamed9zz/*"))],
                vec![like("*/r-0000/")],
            ));
        }
        for _ in 0..600 {
            let (negatives, fold) = (next(3), next(3) == 0);
            let mut glob = || {
                (0..1 + next(5))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect::<String>()
            };
            let prefix: String = glob().replace(['*', '?'], "");
            let positive = Nfa::strings([glob().as_str()], true, fold);
            let none: Vec<Nfa> = (0..negatives).map(|_| like(&glob())).collect();
            questions.push((vec![positive, like(&format!("{prefix}*"))], none));
        }
        let (mut one, mut taken, mut prefixed) = (0, 0, 0);
        for (all, none) in &questions {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            one += usize::from(all.len() == 1);
            if let Some(text) = first_passing_alone(&all, &none) {
                assert_eq!(
                    Sat::Yes(text),
                    search(&all, &none, true),
                    "{all:?} {none:?}"
                );
                taken += 1;
                prefixed += usize::from(all.len() == 2);
            }
        }
        assert!(
            one > 700 && taken > 800 && prefixed > 150,
            "{one} {taken} {prefixed}"
        );
    }

    #[test]
    fn the_only_shortest_string_is_what_the_walk_finds() {
        assert_eq!(
            Nfa::arns(["arn:aws:codebuild:us-east-1:111122223333:project/*"]).shortest_unique(),
            Some("arn:aws:codebuild:us-east-1:111122223333:project/")
        );
        assert_eq!(like("a*b*").shortest_unique(), Some("ab"));
        // Two shortest strings, or a shortest path through `?`, a class or letters ignoring
        // case: not this shortcut's.
        for n in [
            Nfa::strings(["ab", "ac"], false, false),
            like("a?c*"),
            Nfa::strings(["abc*"], true, true),
            Nfa::from_re(&crate::keys::account_re()),
        ] {
            assert_eq!(n.shortest_unique(), None, "{n:?}");
        }
        // Two patterns of one shortest string each: still one shortest string.
        assert_eq!(
            Nfa::strings(["ab*", "a*b"], true, false).shortest_unique(),
            Some("ab")
        );
        let mut questions = questions();
        questions.extend(random_questions(600));
        // Patterns of literals and `*`s beside the same negatives, where the shortcut applies.
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let pieces = ["a", "b", "ab", "*", ":", "b*"];
        for _ in 0..600 {
            // The counts drawn first: `glob` holds the generator while it lives.
            let (positives, negatives) = (1 + next(2), next(3));
            let mut glob = || {
                (0..1 + next(5))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect::<String>()
            };
            let all: Vec<Nfa> = (0..positives).map(|_| like(&glob())).collect();
            let none: Vec<Nfa> = (0..negatives).map(|_| like(&glob())).collect();
            questions.push((all, none));
        }
        let mut taken = 0;
        for (all, none) in &questions {
            for n in all.iter().chain(none) {
                if let Some(text) = n.shortest_unique() {
                    assert!(n.matches(text), "{text:?}: {n:?}");
                }
            }
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            if let Some(text) = shortest_passing(&all, &none) {
                assert_eq!(
                    Sat::Yes(text),
                    search(&all, &none, true),
                    "{all:?} {none:?}"
                );
                taken += 1;
            }
            assert_eq!(solve(&all, &none), search(&all, &none, true));
        }
        assert!(taken > 200, "{taken}");
    }

    #[test]
    fn leaving_out_dead_states_finds_what_the_whole_walk_finds() {
        let mut fixed = questions();
        fixed.extend(random_questions(600));
        // The confused-deputy probes: a source ARN pattern beside the exclusions and the
        // named accounts, the account of the pattern among them or not.
        let source_arn = Nfa::from_re(&(crate::keys::key_info(
            "aws:sourcearn",
            crate::keys::Kind::Service,
        )
        .domain)());
        for pattern in [
            "arn:aws:lambda:*:210987654321:function:*",
            "arn:aws:codebuild:us-east-1:111122223333:project/*",
            "arn:*:*:*:*:*",
        ] {
            for named in [&["210987654321"][..], &["111122223333", "123456789012"]] {
                let mut none = vec![Nfa::strings(
                    crate::keys::source_arn_exclusions(),
                    true,
                    false,
                )];
                let arns: Vec<String> = named.iter().map(|a| format!("arn:*:*:*:{a}:*")).collect();
                none.push(Nfa::arns(arns.iter().map(String::as_str)));
                for p in [Nfa::arns([pattern]), like(pattern)] {
                    fixed.push((vec![source_arn.clone(), p], none.clone()));
                }
            }
        }
        let (mut yes, mut no, mut bounded) = (0, 0, 0);
        for (all, none) in &fixed {
            let all: Vec<&Nfa> = all.iter().collect();
            let none: Vec<&Nfa> = none.iter().collect();
            let whole = search(&all, &none, true);
            assert_eq!(whole, search(&all, &none, false), "{all:?} {none:?}");
            assert_eq!(
                whole,
                walk(&all, &none, true, None, true),
                "{all:?} {none:?}"
            );
            assert_eq!(
                whole,
                walk(&all, &none, false, None, true),
                "{all:?} {none:?}"
            );
            match &whole {
                Sat::Yes(w) => {
                    yes += 1;
                    // Any true limit: the greedy walk's, the answer's own, one more.
                    let n = w.chars().count();
                    let mut limits = vec![n, n + 1, n + 7];
                    if let Some(q) = quick(&all, &none) {
                        assert!(all.iter().all(|n| n.matches(&q)), "{q:?}: {all:?}");
                        assert!(!none.iter().any(|n| n.matches(&q)), "{q:?}: {none:?}");
                        limits.push(q.chars().count());
                        bounded += 1;
                    }
                    for l in limits {
                        assert_eq!(
                            whole,
                            walk(&all, &none, true, Some(l), true),
                            "{l}: {all:?} {none:?}"
                        );
                    }
                }
                Sat::No => {
                    assert_eq!(quick(&all, &none), None, "{all:?} {none:?}");
                    no += 1;
                }
                Sat::Unknown => {}
            }
            assert_eq!(solve(&all, &none), whole, "{all:?} {none:?}");
        }
        assert!(
            yes > 100 && no > 50 && bounded > 100,
            "{yes} {no} {bounded}"
        );
    }

    #[test]
    fn past_the_budget_the_shortcut_answers_only_what_passes() {
        // A string deeper than the walk's budget: the walk gives up, the shortcut's string
        // passes every automaton.
        let long = "a".repeat(BUDGET + 10);
        let all = [like(&format!("{long}*")), like("a*")];
        let none = [like("*b*")];
        let all: Vec<&Nfa> = all.iter().collect();
        let none: Vec<&Nfa> = none.iter().collect();
        assert_eq!(search(&all, &none, true), Sat::Unknown);
        assert_eq!(solve(&all, &none), Sat::Yes(long.clone()));
        // A negative taking the string (and not every string after it): no answer from the
        // shortcut, the walk's Unknown.
        let none = [like("a*a")];
        let none: Vec<&Nfa> = none.iter().collect();
        assert_eq!(shortest_passing(&all, &none), None);
        assert_eq!(solve(&all, &none), Sat::Unknown);
    }

    #[test]
    fn remembered_steps_match_as_the_walk_does() {
        let texts: Vec<String> = {
            let pieces = ["a", "b", ":", "arn", "aws", "1", "/", "*", "x", "ab"];
            let mut rng = 0x2545_f491_4f6c_dd1du64;
            (0..300)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    let len = (rng % 12) as usize;
                    (0..len)
                        .map(|i| pieces[((rng >> (i * 4)) % pieces.len() as u64) as usize])
                        .collect()
                })
                .chain(
                    [
                        "arn:aws:s3:::b",
                        "arn:aws:codebuild:us-east-1:111122223333:project/",
                    ]
                    .map(str::to_owned),
                )
                .collect()
        };
        for (all, none) in random_questions(60).iter().chain(&questions()) {
            for n in all.iter().chain(none) {
                let n = n.clone().remembering();
                for round in 0..3 {
                    for t in &texts {
                        assert_eq!(n.matches(t), n.walk_matches(t), "{t:?} ({round}): {n:?}");
                    }
                }
            }
        }
        // Past the steps it keeps, an automaton walks its sets again.
        let any = Nfa::strings(["a*"], true, false).remembering();
        let many: Vec<String> = (0..2 * STEPS_KEPT as u32)
            .filter_map(|i| char::from_u32(0x100 + i))
            .map(|c| format!("a{c}"))
            .collect();
        for t in many.iter().chain(&many) {
            assert!(any.matches(t), "{t:?}");
            assert!(!any.matches(&t[1..]), "{t:?}");
        }
    }

    /// The automata as they were laid out before their moves were put in two lists for the
    /// whole automaton: a list of empty moves and one of moves on characters per state.
    mod per_state {
        use super::super::{CharSet, Re};

        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub(super) struct State {
            pub(super) eps: Vec<u32>,
            pub(super) next: Vec<(CharSet, u32)>,
        }

        pub(super) struct Old {
            pub(super) states: Vec<State>,
        }

        impl Old {
            fn empty() -> Old {
                Old {
                    states: vec![State::default(), State::default()],
                }
            }

            fn add(&mut self) -> u32 {
                self.states.push(State::default());
                (self.states.len() - 1) as u32
            }

            fn build(&mut self, re: &Re, from: u32, to: u32) {
                match re {
                    Re::Lit(s) => {
                        let mut at = from;
                        for c in s.chars() {
                            let n = self.add();
                            self.states[at as usize].next.push((CharSet::Exact(c), n));
                            at = n;
                        }
                        self.states[at as usize].eps.push(to);
                    }
                    Re::Rep(set, min, max) => {
                        let mut at = from;
                        for i in 0..*max {
                            if i >= *min {
                                self.states[at as usize].eps.push(to);
                            }
                            let n = self.add();
                            self.states[at as usize].next.push((*set, n));
                            at = n;
                        }
                        self.states[at as usize].eps.push(to);
                    }
                    Re::Seq(parts) => {
                        let mut at = from;
                        for p in parts {
                            let n = self.add();
                            self.build(p, at, n);
                            at = n;
                        }
                        self.states[at as usize].eps.push(to);
                    }
                    Re::Alt(parts) => {
                        for p in parts {
                            self.build(p, from, to);
                        }
                    }
                    Re::Star(inner) => {
                        let hub = self.add();
                        self.states[from as usize].eps.push(hub);
                        self.states[hub as usize].eps.push(to);
                        let back = self.add();
                        self.build(inner, hub, back);
                        self.states[back as usize].eps.push(hub);
                    }
                }
            }

            pub(super) fn from_re(re: &Re) -> Old {
                let mut n = Old::empty();
                n.build(re, 0, 1);
                n
            }

            pub(super) fn strings(patterns: &[&str], wildcards: bool, fold: bool) -> Old {
                let mut n = Old::empty();
                for p in patterns {
                    let mut at = 0;
                    for c in p.chars() {
                        let s = n.add();
                        match c {
                            '*' if wildcards => {
                                n.states[at as usize].eps.push(s);
                                n.states[s as usize].next.push((CharSet::ANY, s));
                            }
                            '?' if wildcards => {
                                n.states[at as usize].next.push((CharSet::ANY, s));
                            }
                            c => {
                                let set = if fold {
                                    CharSet::Fold(c)
                                } else {
                                    CharSet::Exact(c)
                                };
                                n.states[at as usize].next.push((set, s));
                            }
                        }
                        at = s;
                    }
                    n.states[at as usize].eps.push(1);
                }
                n
            }

            pub(super) fn arns(patterns: &[&str]) -> Old {
                let mut n = Old::empty();
                for p in patterns {
                    let fields: Vec<&str> = p.splitn(6, ':').collect();
                    if fields.len() < 6 {
                        continue;
                    }
                    let mut at = 0;
                    for (i, field) in fields.iter().enumerate() {
                        let any = if i < 5 {
                            CharSet::any_but(b':')
                        } else {
                            CharSet::ANY
                        };
                        for c in field.chars() {
                            let s = n.add();
                            match c {
                                '*' => {
                                    n.states[at as usize].eps.push(s);
                                    n.states[s as usize].next.push((any, s));
                                }
                                c => {
                                    let set = if c == '?' { any } else { CharSet::Exact(c) };
                                    n.states[at as usize].next.push((set, s));
                                }
                            }
                            at = s;
                        }
                        if i < 5 {
                            let s = n.add();
                            n.states[at as usize].next.push((CharSet::Exact(':'), s));
                            at = s;
                        }
                    }
                    n.states[at as usize].eps.push(1);
                }
                n
            }
        }
    }

    /// Whether an automaton has exactly the states and moves, in the same order, of the
    /// per-state layout.
    fn same_as_per_state(new: &Nfa, old: &per_state::Old) -> bool {
        new.start == 0
            && new.accept == 1
            && new.len() == old.states.len()
            && old
                .states
                .iter()
                .enumerate()
                .all(|(s, st)| new.eps(s as u32) == st.eps && new.moves(s as u32) == st.next)
    }

    /// One pattern laid out as it is read ([`Chain`]) is the automaton the [`Builder`] builds
    /// for it, state for state and move for move: string patterns with and without wildcards,
    /// ignoring case or not, and `ArnLike` patterns (fewer than six fields among them), fixed
    /// and 600 random ones.
    #[test]
    fn one_pattern_laid_out_as_read_is_the_built_automaton() {
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "a", "b", "ab", "*", "?", "A", ":", "arn", "role/", "\u{e9}", "::", "1", "**", "/",
        ];
        let mut patterns: Vec<String> = [
            "",
            "*",
            "?",
            "**",
            "a",
            "o-1*",
            "*:ci-1-*",
            "arn:aws:iam::*:role/team-1-*",
            "arn:aws:codebuild:us-east-1:111122223333:project/*",
            "arn:*:*:*:123456789012:*",
            "arn:aws:iam::1:2:role/x",
            "arn:aws:s3:::b",
            ":::::",
            "AbC\u{c9}",
        ]
        .map(str::to_owned)
        .to_vec();
        for _ in 0..600 {
            patterns.push(
                (0..next(14))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect(),
            );
        }
        for p in &patterns {
            for (wildcards, fold) in [(true, false), (false, false), (false, true), (true, true)] {
                let read = Nfa::strings([p.as_str()], wildcards, fold);
                let built = Nfa::strings_built([p.as_str()], wildcards, fold);
                assert_eq!(read, built, "{p:?} {wildcards} {fold}");
                assert_eq!(read.at, built.at, "{p:?}");
            }
            let (read, built) = (Nfa::arns([p.as_str()]), Nfa::arns_built([p.as_str()]));
            assert_eq!(read, built, "{p:?}");
            assert_eq!(
                read.matches("arn:aws:iam::1:role/team-1-x"),
                built.matches("arn:aws:iam::1:role/team-1-x")
            );
        }
    }

    /// Laying the moves out in two lists keeps every state and move of the per-state layout,
    /// in order: for string patterns (with and without wildcards, ignoring case or not, one
    /// value or several), `ArnLike` patterns (fewer than six fields among them), every key's
    /// domain and random expressions.
    #[test]
    fn flat_moves_are_the_moves_per_state() {
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let pieces = [
            "a", "b", "ab", "*", "?", "A", ":", "arn", "role/", "\u{e9}", "::", "1",
        ];
        for _ in 0..600 {
            let values: Vec<String> = (0..1 + next(4))
                .map(|_| {
                    (0..next(12))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let (wildcards, fold) = (next(3) != 0, next(4) == 0);
            assert!(same_as_per_state(
                &Nfa::strings(values.iter().copied(), wildcards, fold),
                &per_state::Old::strings(&values, wildcards, fold),
            ));
            assert!(same_as_per_state(
                &Nfa::arns(values.iter().copied()),
                &per_state::Old::arns(&values),
            ));
        }
        for p in [
            "arn:aws:iam::*:role/*",
            "arn:aws:codebuild:us-east-1:111122223333:project/*",
            "arn:*:*:*:123456789012:*",
            "arn:aws:iam::1:2:role/x",
            "*",
            "",
        ] {
            assert!(same_as_per_state(
                &Nfa::arns([p]),
                &per_state::Old::arns(&[p])
            ));
        }
        let keys = [
            "aws:principalorgid",
            "aws:principalorgpaths",
            "aws:sourceip",
            "aws:sourcevpc",
            "aws:sourcevpce",
            "aws:sourcevpcarn",
            "aws:sourceaccount",
            "aws:sourcearn",
            "aws:securetransport",
            "aws:currenttime",
            "aws:epochtime",
            "aws:multifactorauthage",
            "aws:calledvia",
            "aws:useragent",
            "aws:principalarn",
            "aws:userid",
            "aws:username",
            "aws:principaltag/team",
            "s3:prefix",
        ];
        let kinds = [
            crate::keys::Kind::Root,
            crate::keys::Kind::User,
            crate::keys::Kind::Session,
            crate::keys::Kind::Service,
            crate::keys::Kind::Anonymous,
        ];
        let mut res: Vec<Re> = vec![
            crate::keys::account_re(),
            crate::keys::partition_re(),
            crate::keys::iam_name_re(),
            crate::keys::session_name_re(),
            crate::keys::path_re(),
            crate::keys::service_re(),
        ];
        for key in keys {
            for kind in kinds {
                res.push((crate::keys::key_info(key, kind).domain)());
            }
        }
        for _ in 0..600 {
            res.push(random_re(&mut next, 4));
        }
        for re in &res {
            assert!(same_as_per_state(
                &Nfa::from_re(re),
                &per_state::Old::from_re(re)
            ));
        }
    }

    /// The distances to acceptance by rounds ([`Nfa::count_distances`]) are those of the walk
    /// from a queue ([`Nfa::count_distances_by_queue`]), for every key's domain and the
    /// caller's domains (the ARN of a role of any account among them), string and `ArnLike`
    /// patterns (several values, `*` loops), their unions and random expressions (stars of
    /// empty moves, states no acceptance is reached from).
    #[test]
    fn distances_by_rounds_are_the_distances_by_queue() {
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut all: Vec<Nfa> = Vec::new();
        let kinds = [
            crate::keys::Kind::Root,
            crate::keys::Kind::User,
            crate::keys::Kind::Session,
            crate::keys::Kind::Service,
            crate::keys::Kind::Anonymous,
        ];
        for key in [
            "aws:principalorgid",
            "aws:principalorgpaths",
            "aws:sourceip",
            "aws:sourcevpce",
            "aws:sourceaccount",
            "aws:sourcearn",
            "aws:currenttime",
            "aws:epochtime",
            "aws:principalarn",
            "aws:userid",
            "aws:username",
            "aws:principaltag/team",
        ] {
            for kind in kinds {
                all.push(Nfa::from_re(&(crate::keys::key_info(key, kind).domain)()));
            }
        }
        for re in [
            crate::keys::account_re(),
            crate::keys::iam_name_re(),
            crate::keys::path_re(),
            crate::keys::service_re(),
            Re::Seq(vec![
                Re::lit("arn:aws:iam::"),
                crate::keys::account_re(),
                Re::lit(":role"),
                crate::keys::path_re(),
                crate::keys::iam_name_re(),
            ]),
        ] {
            all.push(Nfa::from_re(&re));
        }
        all.push(Nfa::strings(
            crate::keys::source_arn_exclusions(),
            true,
            false,
        ));
        all.push(Nfa::strings([], false, false));
        let pieces = ["a", "b", "*", "?", ":", "arn", "role/", "::", "1", "**"];
        for _ in 0..600 {
            all.push(Nfa::from_re(&random_re(&mut next, 4)));
            let values: Vec<String> = (0..1 + next(4))
                .map(|_| {
                    (0..next(12))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            all.push(Nfa::strings(
                values.iter().copied(),
                next(3) != 0,
                next(4) == 0,
            ));
            all.push(Nfa::arns(values.iter().copied()));
        }
        let mut unreachable = 0;
        for n in &all {
            let by_rounds = n.count_distances();
            assert_eq!(by_rounds, n.count_distances_by_queue(), "{n:?}");
            unreachable += by_rounds.iter().filter(|&&d| d == u32::MAX).count();
        }
        // Some automata have states acceptance is not reached from (an empty `Alt`).
        assert!(unreachable > 0);
    }
}
