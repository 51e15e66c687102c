//! The files named on the command line: files, directories (walked, sorted), globs and `-`
//! for standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

/// A file read into memory, with what is needed to point into it.
pub struct SourceFile {
    /// The name shown in messages: the path as given, or `<stdin>`.
    pub name: String,
    pub text: String,
    /// Found by walking a directory (not named): files that are clearly something else are
    /// skipped quietly.
    pub walked: bool,
}

impl SourceFile {
    /// Line and column (from 1, the column in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }

    /// The text of line `line` (from 1), without its line break: [`Lines::line_text`]
    /// without the index, to test it against.
    #[cfg(test)]
    pub fn line_text(&self, line: usize) -> &str {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// The byte offset of a line and column given in characters (from 1) in `text`:
    /// [`Lines::offset`] without the index, to test it against.
    #[cfg(test)]
    pub fn offset_in(text: &str, line: usize, column: usize) -> usize {
        let mut start = 0;
        for _ in 1..line {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return text.len(),
            }
        }
        let rest = &text[start..];
        start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(rest.len(), |(i, _)| i)
    }

    pub fn is_yaml_name(&self) -> bool {
        has_extension(&self.name, ".yaml") || has_extension(&self.name, ".yml")
    }
}

/// Whether `name` ends with `ext` (lower case), in any case.
pub fn has_extension(name: &str, ext: &str) -> bool {
    name.len() >= ext.len()
        && name.as_bytes()[name.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
}

/// A text with the offsets of its lines, found once (on first use) for all the findings in
/// it: locating a finding then takes no scan of the lines before it.
pub struct Lines<'a> {
    pub text: &'a str,
    /// The offset of every line's first byte: 0, then one past every line feed.
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The end of line `index` (from 0), before its line feed.
    fn end(&self, starts: &[usize], index: usize) -> usize {
        starts.get(index + 1).map_or(self.text.len(), |s| s - 1)
    }

    /// The byte offset of a line and column given in characters (from 1); past the last
    /// line, the end of the text; past the end of a line, on into the lines after it.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let starts = self.starts();
        let index = line.saturating_sub(1);
        let Some(&start) = starts.get(index) else {
            return self.text.len();
        };
        let skip = column.saturating_sub(1);
        let end = self.end(starts, index);
        // In the line and in ASCII: a character is a byte.
        if skip <= end - start && self.text.as_bytes()[start..start + skip].is_ascii() {
            return start + skip;
        }
        let rest = &self.text[start..];
        start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i)
    }

    /// Line and column (from 1, the column in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        // Lines that start at or before the offset; the first starts at 0.
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// The text of line `line` (from 1), without its line break (a line feed, and any
    /// carriage returns before it); past the last line, empty.
    pub fn line_text(&self, line: usize) -> &'a str {
        let starts = self.starts();
        let index = line.saturating_sub(1);
        match starts.get(index) {
            Some(&start) => self.text[start..self.end(starts, index)].trim_end_matches('\r'),
            None => "",
        }
    }
}

/// An input that could not be read.
pub struct ReadError {
    pub name: String,
    pub message: String,
}

/// The most a file may hold; templates and plans are far smaller.
const MAX_FILE: u64 = 64 << 20;

/// Which files to consider while walking a directory.
fn walk_candidate(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["json", "yaml", "yml", "template"]
            .iter()
            .any(|c| e.eq_ignore_ascii_case(c))
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(ReadError {
                name: dir.display().to_string(),
                message: e.to_string(),
            });
            return;
        }
    };
    // The entry's own type: no further system call, and symbolic links to directories are
    // not followed, so a link loop cannot trap the walk.
    let mut paths: Vec<(PathBuf, std::fs::FileType)> = entries
        .filter_map(|e| e.ok().and_then(|e| Some((e.path(), e.file_type().ok()?))))
        .collect();
    // The entries share their folder: the order of their names is that of their paths as
    // strings, compared without splitting the paths into components. Names in a folder are
    // unique.
    paths.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    for (path, kind) in paths {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if kind.is_dir() {
            // Dependencies and build output: `node_modules`, and caches that mark themselves
            // (cargo's `target` has a CACHEDIR.TAG).
            let cache = path.join("CACHEDIR.TAG").exists()
                || path.file_name().is_some_and(|n| n == "node_modules");
            if !cache {
                walk(&path, out, errors);
            }
        } else if walk_candidate(&path) {
            out.push(path);
        }
    }
}

/// Expands the arguments into the files to read, in order: a directory gives its files
/// sorted by name, a pattern (`policies/**/*.json`) the files it matches.
pub fn expand(args: &[String], errors: &mut Vec<ReadError>) -> Vec<(PathBuf, bool)> {
    let mut files = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if arg == "-" {
            files.push((PathBuf::from("-"), false));
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, errors);
            files.extend(found.into_iter().map(|p| (p, true)));
        } else if path.exists() || !arg.contains(['*', '?', '[']) {
            files.push((path.to_path_buf(), false));
        } else {
            match glob::glob(arg) {
                Err(e) => errors.push(ReadError {
                    name: arg.clone(),
                    message: format!("invalid pattern: {e}"),
                }),
                Ok(paths) => {
                    let mut matched: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    matched.sort();
                    if matched.is_empty() {
                        errors.push(ReadError {
                            name: arg.clone(),
                            message: "no file matches this pattern".to_owned(),
                        });
                    }
                    files.extend(matched.into_iter().map(|p| (p, false)));
                }
            }
        }
    }
    files
}

/// Reads one file (or standard input for `-`).
pub fn read(path: &Path, walked: bool, stdin_name: &str) -> Result<SourceFile, ReadError> {
    let is_stdin = path.as_os_str() == "-";
    let name = if is_stdin {
        stdin_name.to_owned()
    } else {
        // What `display` writes, without the formatting machinery.
        path.to_string_lossy().into_owned()
    };
    let err = |message: String| ReadError {
        name: name.clone(),
        message,
    };
    let mut bytes = Vec::new();
    if is_stdin {
        std::io::stdin()
            .take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(e.to_string()))?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| match std::fs::read_link(path) {
            // A link whose target is gone: `ls` shows the name, so say what is missing.
            Ok(target) if e.kind() == std::io::ErrorKind::NotFound => err(format!(
                "a symbolic link to {}, which does not exist",
                target.display()
            )),
            _ => err(describe_io(&e)),
        })?;
        let meta = file.metadata().map_err(|e| err(describe_io(&e)))?;
        if meta.is_dir() {
            return Err(err("is a directory".to_owned()));
        }
        // Sized once: most files are read in one call.
        bytes.reserve_exact(usize::try_from(meta.len().min(MAX_FILE)).unwrap_or(0) + 1);
        file.take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(describe_io(&e)))?;
    }
    if bytes.len() as u64 > MAX_FILE {
        return Err(err(format!("larger than {} MiB", MAX_FILE >> 20)));
    }
    // What Windows tools (PowerShell's Out-File, some editors) write: say so, not which byte.
    if let Some(order) = [[0xFF, 0xFE], [0xFE, 0xFF]]
        .iter()
        .find(|bom| bytes.starts_with(&bom[..]))
    {
        return Err(err(format!(
            "UTF-16 text (byte order mark {:02X} {:02X}), not UTF-8: save it as UTF-8",
            order[0], order[1]
        )));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        // A byte order mark: positions stay right since it is before line 1's text.
        text.replace_range(..3, "");
    }
    Ok(SourceFile { name, text, walked })
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index of lines against the scans it replaces, on every line and column around the
    /// text's lines: line breaks of both kinds, characters of several bytes, a last line with
    /// and without its line feed, empty lines, columns past a line's end.
    #[test]
    fn lines_locate_as_the_scans_do() {
        let texts = [
            "",
            "\n",
            "{}",
            "{\n  \"a\": 1\n}\n",
            "{\r\n  \"é\": \"ü✓\",\r\n\r\n  \"b\": [1,\t2]\r\n}",
            "a\n\nb\r\r\nc",
            "ü\nä\n",
        ];
        for text in texts {
            let file = SourceFile {
                name: "t.json".to_owned(),
                text: text.to_owned(),
                walked: false,
            };
            let lines = Lines::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    lines.line_column(offset),
                    file.line_column(offset),
                    "{text:?} at {offset}"
                );
            }
            for line in 0..=text.lines().count() + 3 {
                assert_eq!(
                    lines.line_text(line),
                    file.line_text(line),
                    "{text:?} line {line}"
                );
                for column in 0..=text.len() + 3 {
                    assert_eq!(
                        lines.offset(line, column),
                        SourceFile::offset_in(text, line, column),
                        "{text:?} at {line}:{column}"
                    );
                }
            }
        }
    }

    #[test]
    fn extensions_in_any_case() {
        assert!(has_extension("a/B.JSON", ".json"));
        assert!(has_extension(".yml", ".yml"));
        assert!(!has_extension("yml", ".yml"));
        assert!(!has_extension("a.json.txt", ".json"));
        assert!(walk_candidate(Path::new("x/p.Template")));
        assert!(!walk_candidate(Path::new("x/p.txt")));
    }
}
