//! `ecr-policy`: the crate's judgement of AWS ECR repository policies on the command line, for
//! JSON policy files, CloudFormation templates and Terraform plans.

mod api;
mod codes;
mod commands;
mod config;
mod extract;
mod input;
mod lint;
#[cfg(feature = "aws")]
mod remote;
mod report;
mod tree;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Small per-file allocations on every worker thread: see BENCHMARKS.md, "Command line".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above the --deny level (lint); no change (fmt --check, diff, equivalent);
     allowed (explain)
  1  findings at or above the --deny level; files to reformat; access differs; denied
  2  unreadable input: a file that cannot be read, is not UTF-8, or is not valid JSON or YAML;
     a bad argument or config";

#[derive(Parser)]
#[command(
    name = "ecr-policy",
    version,
    about = "Lint, format, compare and explain AWS ECR repository policies",
    long_about = "Lint, format, compare and explain AWS ECR repository policies: JSON policy \
                  files, the policies of CloudFormation templates (JSON or YAML) and of \
                  Terraform plans (`terraform show -json`).",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policies, templates and plans; print findings with their code and place
    #[command(after_help = LINT_HELP)]
    Lint(LintArgs),
    /// Rewrite JSON policy files in the canonical (or the AWS stored) form
    #[command(after_help = EXIT_CODES)]
    Fmt(FmtArgs),
    /// Say what access changes between two policies (exit 1 when access differs)
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Whether two policies grant the same access (exit 1 when not)
    #[command(after_help = EXIT_CODES)]
    Equivalent(EquivalentArgs),
    /// Decide one request against a repository policy, and say why (exit 1 when denied)
    #[command(after_help = EXIT_CODES)]
    Explain(ExplainArgs),
    /// Print the `policy!` source of a JSON policy
    #[command(name = "to-dsl", after_help = EXIT_CODES)]
    ToDsl(ToDslArgs),
    /// List the actions, bundles and condition keys the crate knows
    Catalogue(CatalogueArgs),
    /// Set a policy on a repository, on every repository of a registry (SetRepositoryPolicy), or
    /// on the registry (PutRegistryPolicy)
    #[cfg(feature = "aws")]
    #[command(after_help = AWS_HELP)]
    Apply(ApplyArgs),
    /// Print the policy of a repository, of every repository of a registry (GetRepositoryPolicy),
    /// or of the registry (GetRegistryPolicy)
    #[cfg(feature = "aws")]
    #[command(after_help = AWS_HELP)]
    Fetch(FetchArgs),
    /// Compare the policy on a repository, on every repository, or on the registry, with a policy
    /// file by meaning
    #[cfg(feature = "aws")]
    #[command(after_help = AWS_HELP)]
    Drift(DriftArgs),
}

#[cfg(feature = "aws")]
const AWS_HELP: &str = "\
AWS: the region, credentials and endpoint come from the environment and profiles as for the AWS
CLI (AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, web identity, SSO, AWS_ENDPOINT_URL_ECR...).
--public works on ECR Public repositories, always in us-east-1, where ECR Public's API is
(AWS_ENDPOINT_URL_ECR_PUBLIC for another endpoint); --registry on the registry's own policy, in
AWS_REGION. A table of the repositories and their state (in sync, drifted, no policy, applied,
error) ends the run; on a terminal a progress line is shown on standard error meanwhile.

Exit codes:
  0  applied (apply); fetched (fetch); in sync (drift)
  1  drift: a repository's policy means something else than the file, or it has none (drift)
  2  an error on any repository (ECR refused, no such repository, no credentials, a policy that
     would lock everyone out without --force); an unreadable policy file; a bad argument";

#[cfg(feature = "aws")]
#[derive(Args)]
struct TargetArgs {
    /// The repository
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present_any = ["all", "registry"],
        conflicts_with = "all"
    )]
    repository: Option<String>,
    /// Every repository of the registry (DescribeRepositories, all pages)
    #[arg(long)]
    all: bool,
    /// The registry: the account id that owns it [default: the caller's account]
    #[arg(long, value_name = "ACCOUNT")]
    registry_id: Option<String>,
    /// ECR Public repositories instead of private ones (ECR Public's API, in us-east-1)
    #[arg(long)]
    public: bool,
    /// The registry's own policy instead of repositories' (PutRegistryPolicy, GetRegistryPolicy:
    /// the caller's registry in AWS_REGION)
    #[arg(long, conflicts_with_all = ["repository", "all", "registry_id", "public"])]
    registry: bool,
    /// Repositories per DescribeRepositories page (1 to 1000)
    #[arg(long, hide = true, value_parser = clap::value_parser!(i32).range(1..=1000))]
    page_size: Option<i32>,
}

#[cfg(feature = "aws")]
impl TargetArgs {
    fn target(&self) -> remote::Target<'_> {
        remote::Target {
            repository: self.repository.as_deref(),
            registry_id: self.registry_id.as_deref(),
            page_size: self.page_size,
            holder: if self.registry {
                remote::Holder::Registry
            } else if self.public {
                remote::Holder::Public
            } else {
                remote::Holder::Repositories
            },
        }
    }
}

#[cfg(feature = "aws")]
#[derive(Args)]
struct ApplyArgs {
    /// The policy to set (a JSON policy file, or - for standard input)
    policy: String,
    #[command(flatten)]
    target: TargetArgs,
    /// Set a policy that denies everyone ecr:SetRepositoryPolicy (ecr-public: with --public),
    /// which no one can change afterwards (ECR's `force`)
    #[arg(long, conflicts_with = "registry")]
    force: bool,
}

#[cfg(feature = "aws")]
#[derive(Args)]
struct FetchArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Write each policy to DIR/REPOSITORY.json (DIR/registry.json with --registry) instead of
    /// standard output (with --all, standard output gets one JSON object of the policies by
    /// repository name)
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

#[cfg(feature = "aws")]
#[derive(Args)]
struct DriftArgs {
    /// The policy in code (a JSON policy file, or - for standard input)
    policy: String,
    #[command(flatten)]
    target: TargetArgs,
}

const LINT_HELP: &str = "\
Inputs: files, directories (walked for *.json, *.yaml, *.yml, *.template, skipping hidden
folders, node_modules and caches marked by a CACHEDIR.TAG such as cargo's target), glob patterns
('policies/**/*.json') and - for standard input. No input: the current directory. A file found
by walking that is not a policy, template or plan is skipped.

Suppressions: --allow CODE, or a .ecr-policy.json in the current directory or a parent:
  {\"deny\": \"warning\",
   \"allow\": [\"missing-version\"],
   \"statements\": [{\"file\": \"policies/public-*.json\", \"sid\": \"PublicPull\",
                    \"allow\": [\"public-access\"], \"reason\": \"a public base image\"}]}

Exit codes:
  0  no finding at or above the --deny level
  1  findings at or above the --deny level
  2  unreadable input: a file that cannot be read, is not UTF-8, or is not valid JSON or YAML;
     a bad argument or config";

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Level {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
    /// Never fail on findings
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    /// A private repository's policy (SetRepositoryPolicy)
    Repository,
    /// A registry policy (PutRegistryPolicy): Resource and registry actions are in place
    Registry,
    /// An ECR Public repository's policy: ecr-public: actions are in place
    Public,
}

#[derive(Args)]
struct LintArgs {
    /// Files, directories, glob patterns, or - for standard input
    paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// The least severe level that fails the run [default: security-warning, or the config's]
    #[arg(long, value_enum)]
    deny: Option<Level>,
    /// Leave out findings with this code (repeatable)
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
    /// The config file [default: the nearest .ecr-policy.json]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The name standard input is shown with; its extension says YAML or JSON
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_name: String,
    /// Treat named files like files found in a directory: skip quietly those that are no
    /// policy, template or plan (for pre-commit, which names every changed JSON and YAML file)
    #[arg(long)]
    skip_other_files: bool,
    /// What the policy files hold (templates and plans say it themselves)
    #[arg(long, value_enum, default_value = "repository")]
    kind: Kind,
    /// Judge date conditions (aws:CurrentTime, aws:EpochTime) for requests made at or after
    /// this instant, an RFC 3339 date and time such as 2026-01-01T00:00:00Z [default: any
    /// instant]
    #[arg(long, value_name = "INSTANT", value_parser = parse_instant)]
    requests_from: Option<std::time::SystemTime>,
    /// List the lint codes and their severities, then exit
    #[arg(long)]
    list_codes: bool,
}

/// An RFC 3339 date and time (`2026-01-01T00:00:00Z`, `2026-01-01T02:00:00.5+02:00`): the
/// date, `T`, the time with seconds, and `Z` or an offset.
/// https://www.rfc-editor.org/rfc/rfc3339#section-5.6
fn parse_instant(text: &str) -> Result<std::time::SystemTime, String> {
    const EXPECTED: &str = "expected an RFC 3339 date and time such as 2026-01-01T00:00:00Z";
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shaped = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19)
        && {
            let mut rest = &text[19.min(text.len())..];
            if let Some(frac) = rest.strip_prefix('.') {
                let n = frac.bytes().take_while(u8::is_ascii_digit).count();
                rest = if n > 0 { &frac[n..] } else { "." };
            }
            let o = rest.as_bytes();
            matches!(rest, "Z" | "z")
                || (o.len() == 6
                    && matches!(o[0], b'+' | b'-')
                    && o[1..3].iter().all(u8::is_ascii_digit)
                    && o[3] == b':'
                    && o[4..6].iter().all(u8::is_ascii_digit))
        };
    let millis = shaped
        .then(|| api::parse_date(text))
        .flatten()
        .ok_or_else(|| EXPECTED.to_owned())?;
    let at = std::time::Duration::from_millis(millis.unsigned_abs());
    let instant = if millis >= 0 {
        std::time::UNIX_EPOCH.checked_add(at)
    } else {
        std::time::UNIX_EPOCH.checked_sub(at)
    };
    instant.ok_or_else(|| EXPECTED.to_owned())
}

#[derive(Args)]
struct FmtArgs {
    /// JSON policy files, or - for standard input (written to standard output)
    #[arg(required = true)]
    paths: Vec<String>,
    /// Write the form AWS stores and returns (`GetRepositoryPolicy`) instead of the canonical one
    #[arg(long)]
    aws: bool,
    /// Change nothing: print a diff and exit 1 when a file is not formatted
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct DiffArgs {
    /// The policy before (a JSON policy file, or - for standard input)
    before: String,
    /// The policy after
    after: String,
    /// The repository the policies are on: the requests that prove each change are made on it
    #[arg(long, value_name = "ARN")]
    repo: Option<String>,
    /// The account that owns the repository, when --repo is not given
    #[arg(long, value_name = "ID", conflicts_with = "repo")]
    account: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Args)]
struct EquivalentArgs {
    /// The policy before (a JSON policy file, or - for standard input)
    before: String,
    /// The policy after
    after: String,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Args)]
struct ExplainArgs {
    /// The repository policy (a JSON policy file, or - for standard input)
    policy: String,
    /// Who asks: an IAM user, role, assumed-role session or root ARN, or a service name
    #[arg(long, value_name = "ARN")]
    caller: String,
    /// The action, e.g. ecr:PutImage
    #[arg(long)]
    action: String,
    /// The repository ARN, e.g. arn:aws:ecr:us-east-1:123456789012:repository/app
    #[arg(long, value_name = "ARN")]
    repo: String,
    /// A request context value, key=value (repeat a key for several values)
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// The caller's identity policy (JSON)
    #[arg(long, value_name = "FILE")]
    identity_policy: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Args)]
struct ToDslArgs {
    /// A JSON policy file, or - for standard input
    policy: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Table {
    Actions,
    Bundles,
    Keys,
}

#[derive(Args)]
struct CatalogueArgs {
    /// What to list
    #[arg(value_enum)]
    table: Table,
    /// Only the entries whose name contains this text (any case)
    #[arg(long)]
    filter: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Lint(a) => run_lint(a),
        Command::Fmt(a) => commands::fmt(&a.paths, a.aws, a.check),
        Command::Diff(a) => commands::diff(&commands::DiffRequest {
            before: &a.before,
            after: &a.after,
            repo: a.repo.as_deref(),
            account: a.account.as_deref(),
            json: matches!(a.format, Format::Json),
            only_verdict: false,
        }),
        Command::Equivalent(a) => commands::diff(&commands::DiffRequest {
            before: &a.before,
            after: &a.after,
            repo: None,
            account: None,
            json: matches!(a.format, Format::Json),
            only_verdict: true,
        }),
        Command::Explain(a) => commands::explain(&commands::ExplainRequest {
            policy: &a.policy,
            caller: &a.caller,
            action: &a.action,
            repo: &a.repo,
            context: &a.context,
            identity_policy: a.identity_policy.as_deref(),
            json: matches!(a.format, Format::Json),
        }),
        Command::ToDsl(a) => commands::to_dsl(&a.policy),
        Command::Catalogue(a) => {
            let json = matches!(a.format, Format::Json);
            match a.table {
                Table::Actions => commands::catalogue_actions(a.filter.as_deref(), json),
                Table::Bundles => commands::catalogue_bundles(a.filter.as_deref(), json),
                Table::Keys => commands::catalogue_keys(a.filter.as_deref(), json),
            }
        }
        #[cfg(feature = "aws")]
        Command::Apply(a) => remote::run(
            &a.target.target(),
            &remote::Operation::Apply {
                policy: &a.policy,
                force: a.force,
            },
        ),
        #[cfg(feature = "aws")]
        Command::Fetch(a) => remote::run(
            &a.target.target(),
            &remote::Operation::Fetch {
                out_dir: a.out_dir.as_deref(),
            },
        ),
        #[cfg(feature = "aws")]
        Command::Drift(a) => remote::run(
            &a.target.target(),
            &remote::Operation::Drift { policy: &a.policy },
        ),
    };
    ExitCode::from(code)
}

/// `f` on every item, on as many threads as there are cores (at most 8), results in order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    if threads == 1 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    // Small interleaved batches keep the threads equally busy when file sizes differ.
    let next = std::sync::atomic::AtomicUsize::new(0);
    const BATCH: usize = 16;
    let mut parts: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(BATCH, std::sync::atomic::Ordering::Relaxed);
                        if start >= items.len() {
                            break done;
                        }
                        let end = (start + BATCH).min(items.len());
                        done.push((start, items[start..end].iter().map(&f).collect()));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    parts.sort_by_key(|(start, _)| *start);
    parts.into_iter().flat_map(|(_, r)| r).collect()
}

/// A file's findings, as the output format needs them.
enum Checked {
    /// Their severities and their text, written where they were found.
    Text(Vec<api::Severity>, String),
    Reports(Vec<lint::Report>),
    NotRecognised,
}

/// Writes to standard output; a closed pipe (`| head`) ends quietly.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn run_lint(a: LintArgs) -> u8 {
    if a.list_codes {
        let mut s = String::new();
        for c in codes::Code::all() {
            s.push_str(&format!(
                "{:<42} {:<17} {}\n",
                c.as_str(),
                c.severity().as_str(),
                c.description()
            ));
        }
        print(&s);
        return 0;
    }
    let mut config = match config::Config::load(a.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: config {e}");
            return 2;
        }
    };
    for code in &a.allow {
        match codes::parse_code(code) {
            Ok(c) => config.allow.push(c),
            Err(e) => {
                eprintln!("error: --allow: {e}");
                return 2;
            }
        }
    }
    let deny = match a.deny {
        Some(Level::Never) => None,
        Some(Level::Error) => Some(api::Severity::Error),
        Some(Level::SecurityWarning) => Some(api::Severity::SecurityWarning),
        Some(Level::Warning) => Some(api::Severity::Warning),
        Some(Level::Suggestion) => Some(api::Severity::Suggestion),
        None => Some(config.deny.unwrap_or(api::Severity::SecurityWarning)),
    };
    let paths = if a.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        a.paths.clone()
    };
    let mut errors = Vec::new();
    let files = input::expand(&paths, &mut errors);
    let skip = a.skip_other_files;
    let kind = match a.kind {
        Kind::Repository => extract::PolicyKind::Repository,
        Kind::Registry => extract::PolicyKind::Registry,
        Kind::Public => extract::PolicyKind::PublicRepository,
    };
    config.requests_from = a.requests_from;
    let stdin_name = a.stdin_name.as_str();
    let text = matches!(a.format, Format::Text);
    let results = parallel_map(&files, |(path, walked)| {
        let walked = *walked || skip;
        input::read(path, walked, stdin_name).and_then(|file| {
            lint::check(&file, &config, kind).map(|o| {
                // Text is written on the thread that found the findings, which also frees
                // them: the allocator's memory stays with the thread that took it.
                let o = match o {
                    lint::Outcome::Checked(r) if text => Checked::Text(
                        r.iter().map(|r| r.severity).collect(),
                        r.iter().fold(String::new(), |mut out, r| {
                            report::text_into(&mut out, r);
                            out
                        }),
                    ),
                    lint::Outcome::Checked(r) => Checked::Reports(r),
                    lint::Outcome::NotRecognised => Checked::NotRecognised,
                };
                (file.name, walked, o)
            })
        })
    });
    let mut reports = Vec::new();
    let mut severities = Vec::new();
    let mut shown = String::new();
    let mut with_findings = 0;
    let mut notes = Vec::new();
    for result in results {
        match result {
            Ok((_, _, Checked::Reports(r))) => {
                if !r.is_empty() {
                    with_findings += 1;
                }
                severities.extend(r.iter().map(|r| r.severity));
                reports.extend(r);
            }
            Ok((_, _, Checked::Text(s, t))) => {
                if !s.is_empty() {
                    with_findings += 1;
                }
                severities.extend(s);
                shown.push_str(&t);
            }
            Ok((name, walked, Checked::NotRecognised)) => {
                if !walked {
                    notes.push(format!(
                        "note: {name}: not a policy, a CloudFormation template or a Terraform plan; nothing to check"
                    ));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    for n in &notes {
        eprintln!("{n}");
    }
    match a.format {
        Format::Text => print(&shown),
        Format::Json => print(&report::json(&reports)),
        Format::Sarif => print(&report::sarif(&reports)),
    }
    for e in &errors {
        eprintln!("error: {}: {}", e.name, e.message);
    }
    if !severities.is_empty() && text {
        eprintln!("{}", report::summary(&severities, with_findings, deny));
    }
    if !errors.is_empty() {
        2
    } else if deny.is_some_and(|d| severities.iter().any(|&s| s <= d)) {
        1
    } else {
        0
    }
}
