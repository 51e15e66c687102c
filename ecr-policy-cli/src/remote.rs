//! `apply`, `fetch` and `drift` (feature `aws`): one repository or every repository of a
//! registry, private or ECR Public, or the registry's own policy, through the library's `aws`
//! module.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::api::aws::{self, aws_sdk_ecr, aws_sdk_ecrpublic, public, registry, Drift, Repository};
use crate::api::{
    AccountId, InvalidPolicy, PublicRepositoryPolicy, RegistryPolicy, RepositoryName,
    RepositoryPolicy,
};
use crate::commands::{read_policy, table};
use crate::print;

/// Which policies a command works on.
pub struct Target<'a> {
    /// One repository by name; `None` for every repository of the registry.
    pub repository: Option<&'a str>,
    /// The registry (account id) when not the caller's own.
    pub registry_id: Option<&'a str>,
    /// Repositories per `DescribeRepositories` page.
    pub page_size: Option<i32>,
    /// Whose policies: repositories', ECR Public repositories' or the registry's own.
    pub holder: Holder,
}

/// What holds the policies a command works on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// Private repositories (`SetRepositoryPolicy`).
    Repositories,
    /// ECR Public repositories (ECR Public's `SetRepositoryPolicy`, in us-east-1).
    Public,
    /// The registry's own policy (`PutRegistryPolicy`).
    Registry,
}

/// The policy in code, of the kind the holder takes.
enum Code {
    Repository(RepositoryPolicy),
    Registry(RegistryPolicy),
    Public(PublicRepositoryPolicy),
}

enum Client {
    Private(aws_sdk_ecr::Client),
    Public(aws_sdk_ecrpublic::Client),
}

/// One policy a command works on: a repository's (private or public), or the registry's.
enum Item {
    Repository(Repository),
    Public(Repository),
    Registry,
}

/// What one command does to each repository.
pub enum Operation<'a> {
    Apply { policy: &'a str, force: bool },
    Fetch { out_dir: Option<&'a Path> },
    Drift { policy: &'a str },
}

enum State {
    InSync,
    /// The drift report.
    Drifted(String),
    NoPolicy,
    Applied,
    /// The policy text as ECR returns it.
    Fetched(String),
    Error(String),
}

impl State {
    fn word(&self) -> &'static str {
        match self {
            State::InSync => "in sync",
            State::Drifted(_) => "drifted",
            State::NoPolicy => "no policy",
            State::Applied => "applied",
            State::Fetched(_) => "policy",
            State::Error(_) => "error",
        }
    }
}

/// Runs `operation` on the repositories of `target`; the exit code: 0 in sync, applied or
/// fetched; 1 drift (a differing or a missing policy); 2 any error.
pub fn run(target: &Target<'_>, operation: &Operation<'_>) -> u8 {
    let policy = match operation {
        Operation::Apply { policy, .. } | Operation::Drift { policy } => {
            match load(policy, target.holder) {
                Ok(p) => Some(p),
                Err(code) => return code,
            }
        }
        Operation::Fetch { .. } => None,
    };
    let registry = match target.registry_id.map(AccountId::new).transpose() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --registry-id: {e}");
            return 2;
        }
    };
    let named = match target
        .repository
        .map(str::parse::<RepositoryName>)
        .transpose()
    {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: --repository: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime for the AWS SDK: {e}");
            return 2;
        }
    };
    runtime.block_on(async {
        let client = match target.holder {
            Holder::Public => public::client_from_env().await.map(Client::Public),
            Holder::Repositories | Holder::Registry => {
                aws::client_from_env().await.map(Client::Private)
            }
        };
        let client = match client {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        let items: Vec<(String, Item)> = if target.holder == Holder::Registry {
            vec![(registry_label(&client), Item::Registry)]
        } else {
            let names = match named {
                Some(n) => vec![n],
                None => match list(&client, registry.as_ref(), target.page_size).await {
                    Ok(names) => names,
                    Err(e) => {
                        eprintln!("error: DescribeRepositories: {e}");
                        return 2;
                    }
                },
            };
            names
                .into_iter()
                .map(|name| {
                    let repo = match &registry {
                        Some(id) => Repository::new(name.clone()).in_registry(id.clone()),
                        None => Repository::new(name.clone()),
                    };
                    let item = match target.holder {
                        Holder::Public => Item::Public(repo),
                        Holder::Repositories | Holder::Registry => Item::Repository(repo),
                    };
                    (name.as_str().to_owned(), item)
                })
                .collect()
        };
        let mut progress = Progress::new(items.len(), verb(operation));
        let mut states = Vec::with_capacity(items.len());
        for (label, item) in items {
            progress.step(&label);
            let state = one(&client, &item, operation, policy.as_ref()).await;
            states.push((label, state));
        }
        progress.finish();
        report(&states, operation, target)
    })
}

/// The registry's row in the table: the Region of the client, whose registry it is.
fn registry_label(client: &Client) -> String {
    let region = match client {
        Client::Private(c) => c.config().region().map(ToString::to_string),
        Client::Public(c) => c.config().region().map(ToString::to_string),
    };
    region.unwrap_or_else(|| "registry".to_owned())
}

fn verb(operation: &Operation<'_>) -> &'static str {
    match operation {
        Operation::Apply { .. } => "apply",
        Operation::Fetch { .. } => "fetch",
        Operation::Drift { .. } => "drift",
    }
}

fn load(path: &str, holder: Holder) -> Result<Code, u8> {
    let (file, document) = read_policy(path)?;
    let located = |kind: &str, e: InvalidPolicy| {
        for error in &e.errors {
            eprintln!(
                "error: {}:{}:{}: not {kind}: {}",
                file.name,
                error.line(),
                error.column(),
                error.message()
            );
            if let Some(h) = error.hint() {
                eprintln!("  help: {h}");
            }
        }
        2
    };
    match holder {
        Holder::Repositories => RepositoryPolicy::try_from(document)
            .map(Code::Repository)
            .map_err(|e| {
                eprintln!(
                    "error: {}: not a repository policy ECR accepts: {e}",
                    file.name
                );
                2
            }),
        Holder::Registry => RegistryPolicy::from_json(&file.text)
            .map(Code::Registry)
            .map_err(|e| located("a registry policy", e)),
        Holder::Public => PublicRepositoryPolicy::from_json(&file.text)
            .map(Code::Public)
            .map_err(|e| located("an ECR Public repository policy", e)),
    }
}

/// Every repository of the registry, sorted by name, following `DescribeRepositories`'s pages
/// (of ECR, or of ECR Public).
async fn list(
    client: &Client,
    registry: Option<&AccountId>,
    page_size: Option<i32>,
) -> Result<Vec<RepositoryName>, String> {
    let registry_id = registry.map(|id| id.as_str().to_owned());
    let mut listed: Vec<String> = Vec::new();
    // The pages of ECR and of ECR Public: the same calls on the two SDKs' types.
    macro_rules! list_pages {
        ($client:expr, $sdk:ident) => {{
            let mut pages = $client
                .describe_repositories()
                .set_registry_id(registry_id)
                .set_max_results(page_size)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| $sdk::error::DisplayErrorContext(e).to_string())?;
                listed.extend(
                    page.repositories()
                        .iter()
                        .filter_map(|r| r.repository_name().map(str::to_owned)),
                );
            }
        }};
    }
    match client {
        Client::Private(client) => list_pages!(client, aws_sdk_ecr),
        Client::Public(client) => list_pages!(client, aws_sdk_ecrpublic),
    }
    let mut names = Vec::with_capacity(listed.len());
    for name in listed {
        // A name that is no repository name never reaches a path or a request.
        names.push(
            name.parse::<RepositoryName>()
                .map_err(|e| format!("ECR listed a repository named {name:?}: {e}"))?,
        );
    }
    names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    names.dedup_by(|a, b| a.as_str() == b.as_str());
    Ok(names)
}

async fn one(
    client: &Client,
    item: &Item,
    operation: &Operation<'_>,
    code: Option<&Code>,
) -> State {
    let mismatch = || State::Error("no policy of this kind to compare with".to_owned());
    match operation {
        Operation::Apply { force, .. } => {
            let result = match (client, item, code) {
                (Client::Private(c), Item::Repository(r), Some(Code::Repository(p))) => {
                    if *force {
                        aws::apply_forced(c, r, p).await
                    } else {
                        aws::apply(c, r, p).await
                    }
                }
                (Client::Private(c), Item::Registry, Some(Code::Registry(p))) => {
                    registry::apply(c, p).await
                }
                (Client::Public(c), Item::Public(r), Some(Code::Public(p))) => {
                    if *force {
                        public::apply_forced(c, r, p).await
                    } else {
                        public::apply(c, r, p).await
                    }
                }
                _ => return mismatch(),
            };
            match result {
                Ok(_) => State::Applied,
                Err(
                    e @ (aws::Error::WouldLockOut { .. } | aws::Error::WouldLockOutPublic { .. }),
                ) => State::Error(format!(
                    "{e}\n  help: pass --force to set it all the same (ECR's `force`)"
                )),
                Err(e) => State::Error(e.to_string()),
            }
        }
        Operation::Drift { .. } => {
            let result = match (client, item, code) {
                (Client::Private(c), Item::Repository(r), Some(Code::Repository(p))) => {
                    aws::drift(c, r, p).await
                }
                (Client::Private(c), Item::Registry, Some(Code::Registry(p))) => {
                    registry::drift(c, p).await
                }
                (Client::Public(c), Item::Public(r), Some(Code::Public(p))) => {
                    public::drift(c, r, p).await
                }
                _ => return mismatch(),
            };
            match result {
                Ok(Drift::InSync) => State::InSync,
                Ok(Drift::NotDeployed) => State::NoPolicy,
                Ok(drift) => State::Drifted(drift.to_string()),
                Err(e) => State::Error(e.to_string()),
            }
        }
        Operation::Fetch { out_dir } => {
            let (result, file) = match (client, item) {
                (Client::Private(c), Item::Repository(r)) => {
                    (aws::fetch(c, r).await, r.name().as_str())
                }
                (Client::Private(c), Item::Registry) => (registry::fetch(c).await, "registry"),
                (Client::Public(c), Item::Public(r)) => {
                    (public::fetch(c, r).await, r.name().as_str())
                }
                _ => return mismatch(),
            };
            match result {
                Ok(None) => State::NoPolicy,
                Ok(Some(deployed)) => {
                    let text = deployed.text().to_owned();
                    match out_dir {
                        Some(dir) => match write_policy(dir, file, &text) {
                            Ok(()) => State::Fetched(text),
                            Err(e) => State::Error(e),
                        },
                        None => State::Fetched(text),
                    }
                }
                Err(e) => State::Error(e.to_string()),
            }
        }
    }
}

/// `DIR/NAME.json`; a name with `/` gets its folders (a repository name has no `..`).
fn write_policy(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    let path: PathBuf = dir.join(format!("{name}.json"));
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(fail)
}

fn report(states: &[(String, State)], operation: &Operation<'_>, target: &Target<'_>) -> u8 {
    let one = target.repository.is_some() || target.holder == Holder::Registry;
    let fetch_to_stdout = matches!(operation, Operation::Fetch { out_dir: None });
    if one && fetch_to_stdout {
        // One policy, as ECR holds it, ready for a file or a pipe.
        if let Some((_, State::Fetched(text))) = states.first() {
            print(&format!("{}\n", text.trim_end()));
        }
    } else if fetch_to_stdout {
        // The policies as ECR returns them, byte for byte, in one JSON object.
        let entries: Vec<String> = states
            .iter()
            .filter_map(|(name, state)| match state {
                State::Fetched(text) => Some(format!(
                    "  {}: {}",
                    serde_json::Value::from(name.as_str()),
                    text.trim()
                )),
                _ => None,
            })
            .collect();
        if entries.is_empty() {
            print("{}\n");
        } else {
            print(&format!("{{\n{}\n}}\n", entries.join(",\n")));
        }
    }
    let header = match target.holder {
        Holder::Repositories => "REPOSITORY",
        Holder::Public => "PUBLIC REPOSITORY",
        Holder::Registry => "REGISTRY",
    };
    let mut rows = vec![vec![header.to_owned(), "STATE".to_owned()]];
    rows.extend(
        states
            .iter()
            .map(|(name, state)| vec![name.clone(), state.word().to_owned()]),
    );
    let summary = table(&rows);
    // Fetched policies own standard output; the table then goes to standard error.
    if one && fetch_to_stdout {
    } else if fetch_to_stdout {
        eprint!("{summary}");
    } else {
        print(&summary);
    }
    let mut details = String::new();
    for (name, state) in states {
        match state {
            State::Drifted(text) => details.push_str(&format!("\n{name}: {text}\n")),
            State::NoPolicy if matches!(operation, Operation::Drift { .. }) => {
                details.push_str(&format!("\n{name}: {}\n", Drift::NotDeployed))
            }
            _ => {}
        }
    }
    if !details.is_empty() {
        print(&details);
    }
    for (name, state) in states {
        if let State::Error(e) = state {
            eprintln!("error: {name}: {e}");
        }
    }
    if states.iter().any(|(_, s)| matches!(s, State::Error(_))) {
        2
    } else if states.iter().any(|(_, s)| {
        matches!(s, State::Drifted(_))
            || (matches!(s, State::NoPolicy) && matches!(operation, Operation::Drift { .. }))
    }) {
        1
    } else {
        0
    }
}

/// One line on standard error, rewritten for each repository, when it is a terminal.
struct Progress {
    on: bool,
    total: usize,
    done: usize,
    verb: &'static str,
}

impl Progress {
    fn new(total: usize, verb: &'static str) -> Self {
        Progress {
            on: std::io::stderr().is_terminal(),
            total,
            done: 0,
            verb,
        }
    }

    fn step(&mut self, name: &str) {
        self.done += 1;
        if self.on {
            let width = 30;
            let filled = self.done * width / self.total.max(1);
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K[{bar}] {}/{} {} {name}",
                self.done, self.total, self.verb
            );
            let _ = err.flush();
        }
    }

    fn finish(&self) {
        if self.on && self.done > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
