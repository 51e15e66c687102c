//! The floors of `src/` and the direction of every import between them.
//!
//! From the bottom up: `model` (the grammar and the names), then `build`, `json` and `eval` (each
//! built on the model alone), then `analysis` (lint, equivalence, diff: may read JSON and
//! evaluate), then `tools` (built on everything). This test reads the sources and fails when a
//! module imports from a floor it may not use, when two modules import each other (directly or
//! round a longer cycle), or when a module reaches an item through the crate root's re-exports
//! instead of naming the module it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each top-level folder and the folders it may import from.
const FLOORS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("build", &["model"]),
    ("json", &["model"]),
    ("eval", &["model"]),
    ("analysis", &["model", "json", "eval"]),
    ("tools", &["model", "build", "json", "eval", "analysis"]),
];

type ModPath = Vec<String>;

struct Source {
    path: ModPath,
    text: String,
}

fn read_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(&root).unwrap().with_extension("");
                let mut path: ModPath = rel
                    .components()
                    .map(|c| c.as_os_str().to_str().unwrap().to_owned())
                    .collect();
                if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                    path.pop();
                }
                out.push(Source {
                    path,
                    text: fs::read_to_string(&p).unwrap(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths (`a::b::c`) written on one line of code, from their first segment.
fn paths_in(line: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    let bytes: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut byte = 0;
    while i < bytes.len() {
        let prev = if i == 0 { ' ' } else { bytes[i - 1] };
        if is_ident(bytes[i]) && !is_ident(prev) && prev != ':' {
            // Read ident (:: ident)*.
            let start = byte;
            let mut j = i;
            let mut end = byte;
            loop {
                while j < bytes.len() && is_ident(bytes[j]) {
                    end += bytes[j].len_utf8();
                    j += 1;
                }
                if j + 2 < bytes.len()
                    && bytes[j] == ':'
                    && bytes[j + 1] == ':'
                    && is_ident(bytes[j + 2])
                {
                    end += 2;
                    j += 2;
                } else {
                    break;
                }
            }
            let segments: Vec<&str> = line[start..end].split("::").collect();
            if segments.len() > 1 || (j + 2 < bytes.len() && bytes[j] == ':') {
                out.push(segments);
            }
            byte = end;
            i = j;
        } else {
            byte += bytes[i].len_utf8();
            i += 1;
        }
    }
    out
}

/// The code lines of a file with the inline module each lies in (`mod state { ... }`), test
/// modules and comments left out. Relies on rustfmt's layout: an inline module closes with a
/// `}` at the indentation of its `mod` line.
fn code_lines(text: &str) -> Vec<(Vec<String>, &str)> {
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut skip_test: Option<usize> = None;
    let mut next_is_test = false;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some(depth) = skip_test {
            if t == "}" && indent == depth {
                skip_test = None;
            }
            continue;
        }
        if t.starts_with("//") || t.is_empty() {
            continue;
        }
        if t == "#[cfg(test)]" {
            next_is_test = true;
            continue;
        }
        let opens_mod = t
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ")
            .strip_prefix("mod ")
            .and_then(|r| r.strip_suffix(" {"));
        if let Some(name) = opens_mod {
            if next_is_test {
                skip_test = Some(indent);
            } else {
                inline.push((name.to_owned(), indent));
            }
            next_is_test = false;
            continue;
        }
        next_is_test = false;
        if t == "}" && inline.last().is_some_and(|&(_, d)| d == indent) {
            inline.pop();
            continue;
        }
        let code = match t.find("//") {
            Some(i) => &t[..i],
            None => t,
        };
        out.push((inline.iter().map(|(n, _)| n.clone()).collect(), code));
    }
    out
}

/// Children declared with `mod name;` in a file.
fn declared_children(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| {
            l.trim()
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ")
                .strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_owned)
        })
        .collect()
}

/// The file module an absolute path lies in: its longest prefix that is a file.
fn file_of(files: &BTreeSet<ModPath>, path: &[String]) -> ModPath {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| files.contains(p))
        .unwrap_or_default()
}

struct Graph {
    edges: BTreeMap<ModPath, BTreeSet<ModPath>>,
    root_items: Vec<String>,
}

fn graph() -> Graph {
    let sources = read_sources();
    let files: BTreeSet<ModPath> = sources.iter().map(|s| s.path.clone()).collect();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    let mut root_items = Vec::new();
    for src in &sources {
        let children = declared_children(&src.text);
        let here = src.path.clone();
        for (inline, line) in code_lines(&src.text) {
            for segs in paths_in(line) {
                let mut scope: ModPath = here.iter().cloned().chain(inline.clone()).collect();
                let mut rest = &segs[..];
                let absolute = match rest[0] {
                    "crate" => {
                        scope.clear();
                        rest = &rest[1..];
                        true
                    }
                    "super" | "self" => {
                        while let Some((&s, r)) = rest.split_first() {
                            match s {
                                "super" => {
                                    scope.pop();
                                }
                                "self" => {}
                                _ => break,
                            }
                            rest = r;
                        }
                        true
                    }
                    first if inline.is_empty() && children.contains(first) => true,
                    _ => false,
                };
                if !absolute {
                    continue;
                }
                let target: ModPath = scope
                    .into_iter()
                    .chain(rest.iter().map(|s| (*s).to_owned()))
                    .collect();
                let file = file_of(&files, &target);
                if file.is_empty() && !here.is_empty() && !target.is_empty() {
                    root_items.push(format!("{}: {line}", here.join("/")));
                }
                if file != here {
                    edges.entry(here.clone()).or_default().insert(file);
                }
            }
        }
    }
    Graph { edges, root_items }
}

fn floor(path: &ModPath) -> Option<&str> {
    path.first().map(String::as_str)
}

#[test]
fn every_module_is_on_a_floor() {
    let g = graph();
    let known: BTreeSet<&str> = FLOORS.iter().map(|(f, _)| *f).collect();
    let stray: Vec<String> = read_sources()
        .into_iter()
        .filter(|s| floor(&s.path).is_some_and(|f| !known.contains(f)))
        .map(|s| s.path.join("/"))
        .collect();
    assert!(
        stray.is_empty(),
        "modules outside the floors (add the folder to FLOORS): {stray:?}"
    );
    assert!(g.edges.len() > 20, "the scan found too few imports");
}

#[test]
fn no_import_runs_up_or_sideways() {
    let allowed: BTreeMap<&str, &[&str]> = FLOORS.iter().copied().collect();
    let mut bad = Vec::new();
    for (from, tos) in graph().edges {
        let Some(f) = floor(&from) else { continue };
        for to in tos {
            let Some(t) = floor(&to) else { continue };
            if t != f && !allowed.get(f).is_some_and(|a| a.contains(&t)) {
                bad.push(format!("{} -> {}", from.join("/"), to.join("/")));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports from a floor to one it may not use:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_module_reaches_through_the_crate_root() {
    let g = graph();
    assert!(
        g.root_items.is_empty(),
        "name the module an item comes from, not the root's re-export:\n{}",
        g.root_items.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let g = graph();
    // Depth-first search for a cycle; the crate root only re-exports and is left out.
    fn visit(
        g: &BTreeMap<ModPath, BTreeSet<ModPath>>,
        node: &ModPath,
        stack: &mut Vec<ModPath>,
        done: &mut BTreeSet<ModPath>,
    ) -> Option<Vec<ModPath>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.clone());
            return Some(cycle);
        }
        if !done.insert(node.clone()) {
            return None;
        }
        stack.push(node.clone());
        for next in g.get(node).into_iter().flatten() {
            if next.is_empty() {
                continue;
            }
            if let Some(c) = visit(g, next, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for node in g.edges.keys().filter(|n| !n.is_empty()) {
        if let Some(cycle) = visit(&g.edges, node, &mut Vec::new(), &mut done) {
            let names: Vec<String> = cycle.iter().map(|p| p.join("/")).collect();
            panic!("modules importing each other: {}", names.join(" -> "));
        }
    }
}

#[test]
fn the_scan_sees_what_it_must() {
    // The scanner itself: a path through the root, a parent, a child and an inline module.
    assert_eq!(
        paths_in("use crate::model::names::Sid; x = super::y::z(1);"),
        vec![
            vec!["crate", "model", "names", "Sid"],
            vec!["super", "y", "z"]
        ]
    );
    let lines = code_lines("mod a {\n    use super::b::C;\n}\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n// crate::x\nuse crate::d::E;\n");
    assert_eq!(
        lines,
        vec![
            (vec!["a".to_owned()], "use super::b::C;"),
            (vec![], "use crate::d::E;"),
        ]
    );
}
