//! Finding the policies in a file: a JSON policy file, the policies of a CloudFormation
//! template (JSON or YAML) or of a Terraform plan (`terraform show -json`), each as JSON text
//! with a map from positions in that text back to the file.

use saphyr_parser::ScalarStyle;

use crate::tree::{decode_json_string, parse_json, Node, StrSource, Value};

/// What kind of policy a file holds; registry and public repository policies follow partly
/// other rules than repository policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    Repository,
    /// `AWS::ECR::RegistryPolicy`, `aws_ecr_registry_policy`: statements name their
    /// resources and may grant registry actions (`ecr:ReplicateImage`, `ecr:CreateRepository`).
    Registry,
    /// `AWS::ECR::PublicRepository`, `aws_ecrpublic_repository_policy`: `ecr-public:` actions.
    PublicRepository,
}

/// A run of policy text that stands for a run of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    /// Start in the policy text.
    text: usize,
    /// Start in the file.
    file: usize,
    /// Bytes that map one to one; past them, positions map to `file` itself.
    len: usize,
    /// Set when `file` is only the start of the string that holds the policy.
    approximate: bool,
}

/// Positions in a policy text to positions in its file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Sorted by `text`; empty when the policy text is the file.
    segs: Vec<Seg>,
}

impl OffsetMap {
    /// The file offset of byte `offset` of the policy text, and whether it is only the start
    /// of the enclosing string.
    pub fn map(&self, offset: usize) -> (usize, bool) {
        if self.segs.is_empty() {
            return (offset, false);
        }
        let i = self
            .segs
            .partition_point(|s| s.text <= offset)
            .saturating_sub(1);
        let s = self.segs[i];
        if offset >= s.text && offset - s.text < s.len.max(1) {
            (s.file + (offset - s.text).min(s.len), s.approximate)
        } else {
            (s.file, s.approximate)
        }
    }

    fn push(&mut self, seg: Seg) {
        if let Some(last) = self.segs.last_mut() {
            if !seg.approximate
                && !last.approximate
                && seg.len > 0
                && last.len > 0
                && last.text + last.len == seg.text
                && last.file + last.len == seg.file
            {
                last.len += seg.len;
                return;
            }
        }
        self.segs.push(seg);
    }

    fn compose(&self, inner: &OffsetMap) -> OffsetMap {
        OffsetMap {
            segs: inner
                .segs
                .iter()
                .map(|s| {
                    let (file, approximate) = self.map(s.file);
                    Seg {
                        file,
                        approximate: approximate || s.approximate,
                        ..*s
                    }
                })
                .collect(),
        }
    }
}

/// A value a template leaves to deployment time (`!Ref`, `Fn::Sub`, "known after apply").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The intrinsic as written: `!Sub`, `Fn::GetAtt`, `${AWS::AccountId}`...
    pub what: String,
    /// The JSON path in the policy, every list indexed; empty for the whole policy.
    pub path: String,
    /// The findings this value can change are the ones at or under this path.
    pub scope: String,
    /// Where it stands in the file.
    pub offset: usize,
}

/// A value CloudFormation reads otherwise than it is written: an unquoted `012345670123` is
/// the octal number 1402433619 in YAML 1.1, the version CloudFormation reads. The policy is
/// checked with the value CloudFormation reads; this is reported as an error.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misread {
    /// As written.
    pub written: String,
    /// As CloudFormation reads it.
    pub read: String,
    /// The JSON path in the policy.
    pub path: String,
    pub offset: usize,
}

/// The pseudo parameters a policy text reads as values: `AWS::AccountId` is the account the
/// stack deploys into, the account of the repository, registry or creation template the policy
/// belongs to; `AWS::Partition` the partition of its resources. `AWS::Region`,
/// `AWS::URLSuffix`, `AWS::StackName` and `AWS::StackId` are read as stand-ins (a region of
/// the partition, its domain suffix, a stack name the policy does not write, and the stack's
/// ARN built from them), and the policy is read again with each of them otherwise
/// ([`Pseudo::alternatives`]): a finding that not every reading has rests on the value of a
/// pseudo parameter.
/// `AWS::AccountId` is read as a stand-in account the policy names nowhere, and again as each
/// account the policy names (up to [`MAX_ACCOUNT_READINGS`]), which may be the stack's own: an
/// account that is the policy's owner is no external account.
/// `AWS::NoValue` leaves its entry or list item out.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pseudo {
    /// The stand-in account id written for `AWS::AccountId`, which the policy names nowhere
    /// else: the policy's owner.
    pub account: Option<String>,
    /// `AWS::Partition` was read as `aws`.
    pub partition: bool,
    /// The other stand-ins read, as `AWS::Region as us-east-1`.
    pub stand_ins: Vec<String>,
    /// The policy text read with one stand-in otherwise.
    pub alternatives: Vec<Alternative>,
    /// The accounts the policy names that `AWS::AccountId` is not read as, past
    /// [`MAX_ACCOUNT_READINGS`].
    pub accounts_not_read: usize,
}

/// The policy text read with another value for one pseudo parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    /// The value read, as `AWS::Region as eu-west-1`.
    pub reading: String,
    pub text: String,
    pub map: OffsetMap,
    /// The account `AWS::AccountId` is read as in this reading, when it is one the policy
    /// names (not a stand-in): the policy's owner.
    pub account: Option<String>,
}

/// The pseudo parameters read as values.
const ACCOUNT_ID: &str = "AWS::AccountId";
const PARTITION: &str = "AWS::Partition";
const REGION: &str = "AWS::Region";
const URL_SUFFIX: &str = "AWS::URLSuffix";
const STACK_NAME: &str = "AWS::StackName";
const STACK_ID: &str = "AWS::StackId";
const NO_VALUE: &str = "AWS::NoValue";

/// Pseudo parameters a `Fn::Sub` policy text may name.
const PSEUDO: [&str; 6] = [
    ACCOUNT_ID, PARTITION, REGION, URL_SUFFIX, STACK_NAME, STACK_ID,
];

/// The values read for `AWS::Region`, `AWS::URLSuffix` and `AWS::StackName`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StandIns {
    region: String,
    url_suffix: String,
    stack_name: String,
}

/// The regions of a partition, the first ones read as stand-ins, and its domain suffix
/// (`amazonaws.com`, `amazonaws.com.cn` in the China Regions).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
fn partition_regions(partition: &str) -> (&'static [&'static str], &'static str) {
    match partition {
        "aws-cn" => (&["cn-north-1", "cn-northwest-1"], "amazonaws.com.cn"),
        "aws-us-gov" => (&["us-gov-west-1", "us-gov-east-1"], "amazonaws.com"),
        _ => (
            &["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"],
            "amazonaws.com",
        ),
    }
}

/// Region names written in the tree's strings (`eu-central-1` in an ARN or a condition):
/// words of letters, a dash, letters (and `-gov`), a dash and a number.
fn written_regions(node: &Node, out: &mut Vec<String>) {
    match &node.value {
        Value::Str(s, _) => {
            let letters =
                |w: &str, n: usize| w.len() >= n && w.bytes().all(|c| c.is_ascii_lowercase());
            let number =
                |w: &str| (1..=2).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_digit());
            for word in s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                let parts: Vec<&str> = word.split('-').collect();
                // `eu-central-1`, `us-gov-west-1`, also inside `vpce-eu-central-1`.
                for (i, first) in parts.iter().enumerate() {
                    let gov = parts.get(i + 1) == Some(&"gov");
                    let rest = if gov { i + 2 } else { i + 1 };
                    let (Some(middle), Some(n)) = (parts.get(rest), parts.get(rest + 1)) else {
                        continue;
                    };
                    if first.len() == 2 && letters(first, 2) && letters(middle, 3) && number(n) {
                        let region = parts[i..rest + 2].join("-");
                        if !out.contains(&region) {
                            out.push(region);
                        }
                    }
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| written_regions(i, out)),
        Value::Object(entries) => entries.iter().for_each(|e| written_regions(&e.2, out)),
        Value::Tagged(_, inner) => written_regions(inner, out),
        _ => {}
    }
}

/// The most regions the policy writes that `AWS::Region` is read as, besides its stand-in.
const MAX_REGION_READINGS: usize = 3;

/// The most accounts the policy names that `AWS::AccountId` is read as, besides its stand-in.
pub const MAX_ACCOUNT_READINGS: usize = 3;

/// The account ids written in the tree's strings and numbers, in the order written: words of
/// exactly 12 digits (`111122223333` alone, in an ARN or in a condition). `seen` holds them
/// too, so that a file of many accounts is read in linear time.
/// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
fn written_accounts<'n>(
    node: &'n Node,
    out: &mut Vec<&'n str>,
    seen: &mut std::collections::HashSet<&'n str>,
) {
    match &node.value {
        Value::Str(s, _) | Value::Number(s) => {
            for word in s.split(|c: char| !c.is_ascii_digit()) {
                if word.len() == 12 && seen.insert(word) {
                    out.push(word);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| written_accounts(i, out, seen)),
        Value::Object(entries) => entries
            .iter()
            .for_each(|e| written_accounts(&e.2, out, seen)),
        Value::Tagged(_, inner) => written_accounts(inner, out, seen),
        _ => {}
    }
}

/// The policy text, or why there is none.
#[derive(Clone, Debug)]
pub enum Body {
    /// JSON text to read; `unknowns` were replaced by neutral values that parse.
    Text {
        text: String,
        map: OffsetMap,
        unknowns: Vec<Unknown>,
        misread: Vec<Misread>,
        pseudo: Pseudo,
    },
    /// The whole policy is left to deployment time.
    Unknown(Unknown),
    /// The value is no policy: not an object nor a string (e.g. a number).
    NotAPolicy { offset: usize, found: &'static str },
}

/// One policy found in a file.
#[derive(Clone, Debug)]
pub struct Embedded {
    /// Where in the file, e.g. `Resources.Repo.Properties.RepositoryPolicyText`; `None` for a
    /// policy file.
    pub label: Option<String>,
    pub kind: PolicyKind,
    pub body: Body,
    /// The choice of `Fn::If` conditions this reading of the policy makes (`if A, unless B`),
    /// when statements of its list are chosen by conditions; the findings every reading has
    /// are reported once, without it.
    pub when: Option<String>,
}

/// What a file is.
pub enum FileKind {
    Policy,
    CloudFormation,
    TerraformPlan,
    /// Terraform's JSON configuration syntax (`*.tf.json`, CDK for Terraform's `cdk.tf.json`).
    TerraformConfig,
    Other,
}

pub fn classify(root: &Node) -> FileKind {
    if root.get("Statement").is_some() {
        FileKind::Policy
    } else if root.get("Resources").is_some() || root.get("AWSTemplateFormatVersion").is_some() {
        FileKind::CloudFormation
    } else if root.get("resource_changes").is_some()
        || root.get("planned_values").is_some()
        || root.get("terraform_version").is_some()
    {
        FileKind::TerraformPlan
    } else if blocks(root.get("resource"))
        .iter()
        .any(|b| b.entries().iter().any(|(t, _, _)| t.starts_with("aws_")))
    {
        FileKind::TerraformConfig
    } else {
        FileKind::Other
    }
}

/// The policies of a CloudFormation template; `json` when the file was read as JSON (a YAML
/// flow mapping starts with `{` too, but is not JSON text).
pub fn cloudformation(file: &str, root: &Node, json: bool) -> Vec<Embedded> {
    let mut out = Vec::new();
    if let Some(resources) = root.get("Resources") {
        resources_of(file, resources, "Resources", json, &mut out);
    }
    out
}

/// The policies of a `Resources` mapping, or of the resources a `Fn::ForEach` loop writes
/// (`AWS::LanguageExtensions`: `[Identifier, Collection, {NAME: resource}]`), under `at`.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
fn resources_of(file: &str, resources: &Node, at: &str, json: bool, out: &mut Vec<Embedded>) {
    for (name, _, resource) in resources.entries() {
        if name.starts_with("Fn::ForEach::") {
            if let Some(fragment) = resource.items().get(2) {
                resources_of(file, fragment, &format!("{at}.{name}"), json, out);
            }
            continue;
        }
        let (kind, property) = match resource.get("Type").and_then(Node::as_str) {
            Some("AWS::ECR::Repository") => (PolicyKind::Repository, "RepositoryPolicyText"),
            Some("AWS::ECR::RegistryPolicy") => (PolicyKind::Registry, "PolicyText"),
            Some("AWS::ECR::PublicRepository") => {
                (PolicyKind::PublicRepository, "RepositoryPolicyText")
            }
            // The repository policy of the repositories ECR creates from the template (pull
            // through cache, replication, create on push): a JSON string.
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repositorycreationtemplate.html
            Some("AWS::ECR::RepositoryCreationTemplate") => {
                (PolicyKind::Repository, "RepositoryPolicy")
            }
            _ => continue,
        };
        let Some(policy) = resource.get("Properties").and_then(|p| p.get(property)) else {
            continue;
        };
        let label = format!("{at}.{name}.Properties.{property}");
        if let Some((condition, branches)) = written_branches(policy) {
            // Each policy the condition can choose is checked, named by its condition.
            for (when, branch) in [("if", branches[0]), ("unless", branches[1])] {
                if is_no_value(branch) {
                    continue;
                }
                let label = format!("{label} ({when} {condition})");
                // A policy written out whose statements or values other conditions choose.
                let readings = matches!(branch.value, Value::Object(_))
                    .then(|| statement_choices(branch))
                    .flatten();
                match readings {
                    Some(readings) => {
                        for (when, reading) in readings {
                            out.push(Embedded {
                                label: Some(label.clone()),
                                kind,
                                body: generate(&reading, None, !json),
                                when: Some(when),
                            });
                        }
                    }
                    None => out.push(Embedded {
                        label: Some(label),
                        kind,
                        body: too_many_choices(branch, template_body(file, branch, json)),
                        when: None,
                    }),
                }
            }
            continue;
        }
        if let Some(readings) = statement_choices(policy) {
            // Statements of the list chosen by conditions: each reading of the policy is
            // checked.
            for (when, reading) in readings {
                out.push(Embedded {
                    label: Some(label.clone()),
                    kind,
                    body: generate(&reading, None, !json),
                    when: Some(when),
                });
            }
            continue;
        }
        out.push(Embedded {
            label: Some(label),
            kind,
            body: too_many_choices(policy, template_body(file, policy, json)),
            when: None,
        });
    }
}

/// The most conditions whose statements or values are chosen, each reading checked: 2^3
/// readings.
const MAX_STATEMENT_CONDITIONS: usize = 3;

/// An item of a `Statement` list chosen by a condition: its condition and its two values, each
/// a statement written out or `AWS::NoValue`.
fn chosen_statement(item: &Node) -> Option<(&str, [&Node; 2])> {
    let (what, inner) = intrinsic(item)?;
    if what != "!If" && what != "Fn::If" {
        return None;
    }
    let [condition, yes, no] = inner.items() else {
        return None;
    };
    let written = |n: &Node| {
        is_no_value(n) || (matches!(n.value, Value::Object(_)) && intrinsic(n).is_none())
    };
    (written(yes) && written(no)).then_some((condition.as_str()?, [yes, no]))
}

/// `Fn::If [Cond, a, b]` with a condition name: the condition and its two values.
fn if_of(node: &Node) -> Option<(&str, [&Node; 2])> {
    let (what, inner) = intrinsic(node)?;
    if what != "!If" && what != "Fn::If" {
        return None;
    }
    let [condition, yes, no] = inner.items() else {
        return None;
    };
    Some((condition.as_str()?, [yes, no]))
}

/// The conditions of the `Fn::If`s inside a value (a statement, an element of one), nested
/// ones too, in the order written.
fn value_conditions(node: &Node, out: &mut Vec<String>) {
    if let Some((c, branches)) = if_of(node) {
        if !out.iter().any(|x| x == c) {
            out.push(c.to_owned());
        }
        branches.iter().for_each(|b| value_conditions(b, out));
        return;
    }
    match &node.value {
        Value::Array(items) => items.iter().for_each(|i| value_conditions(i, out)),
        Value::Object(entries) => entries.iter().for_each(|e| value_conditions(&e.2, out)),
        Value::Tagged(_, inner) => value_conditions(inner, out),
        _ => {}
    }
}

/// The value with each `Fn::If` replaced by the value its condition chooses (`holds`); a
/// chosen `AWS::NoValue` stays, for the entry or item to be left out.
fn chosen_value(node: &Node, holds: &dyn Fn(&str) -> bool) -> Node {
    if let Some((c, [yes, no])) = if_of(node) {
        return chosen_value(if holds(c) { yes } else { no }, holds);
    }
    let mut out = node.clone();
    match &mut out.value {
        Value::Array(items) => {
            for i in items.iter_mut() {
                *i = chosen_value(i, holds);
            }
        }
        Value::Object(entries) => {
            for e in entries.iter_mut() {
                e.2 = chosen_value(&e.2, holds);
            }
        }
        Value::Tagged(_, inner) => **inner = chosen_value(inner, holds),
        _ => {}
    }
    out
}

/// The readings of a policy whose statements are chosen by conditions (`Fn::If [Cond,
/// statement, statement or AWS::NoValue]` items of its `Statement` list) or hold values so
/// chosen (`Fn::If` in an action list, a principal, a condition): for every choice of the
/// conditions, the policy with each chosen value in place (an item or entry whose value is
/// `AWS::NoValue` left out), and the choice in words (`if A, unless B`). None when no value is
/// chosen so, or more than [`MAX_STATEMENT_CONDITIONS`] conditions choose them (the values
/// then stay unknown).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html#intrinsic-function-reference-conditions-if
fn statement_choices(policy: &Node) -> Option<Vec<(String, Node)>> {
    let statements = policy.get("Statement")?;
    let conditions = choice_conditions(policy);
    if conditions.is_empty() || conditions.len() > MAX_STATEMENT_CONDITIONS {
        return None;
    }
    let mut readings = Vec::new();
    for choice in 0..1usize << conditions.len() {
        // Bit k clear: condition k holds; the first reading takes every `if`.
        let holds = |c: &str| {
            let k = conditions.iter().position(|x| x == c).unwrap_or(0);
            choice & (1 << k) == 0
        };
        let mut items = Vec::new();
        for item in statements.items() {
            match chosen_statement(item) {
                Some((c, [yes, no])) => {
                    let branch = if holds(c) { yes } else { no };
                    if !is_no_value(branch) {
                        items.push(chosen_value(branch, &holds));
                    }
                }
                None if intrinsic(item).is_some() => items.push(item.clone()),
                None => items.push(chosen_value(item, &holds)),
            }
        }
        let when: Vec<String> = conditions
            .iter()
            .map(|c| format!("{} {c}", if holds(c) { "if" } else { "unless" }))
            .collect();
        let mut reading = policy.clone();
        if let Value::Object(entries) = &mut reading.value {
            for (key, _, value) in entries.iter_mut() {
                if key == "Statement" {
                    value.value = Value::Array(items.clone());
                }
            }
        }
        readings.push((when.join(", "), reading));
    }
    Some(readings)
}

/// The policy's `Fn::If`s left unknown, more conditions choosing its values than
/// [`MAX_STATEMENT_CONDITIONS`], say so.
fn too_many_choices(policy: &Node, mut body: Body) -> Body {
    let n = choice_conditions(policy).len();
    if n > MAX_STATEMENT_CONDITIONS {
        if let Body::Text { unknowns, .. } = &mut body {
            for u in unknowns.iter_mut().filter(|u| u.what.ends_with("If")) {
                u.what = format!(
                    "{} ({n} conditions choose values of this policy, more than the {MAX_STATEMENT_CONDITIONS} whose readings are checked)",
                    u.what
                );
            }
        }
    }
    body
}

/// The conditions that choose statements of the policy or values in them, in the order
/// written.
fn choice_conditions(policy: &Node) -> Vec<String> {
    let mut conditions: Vec<String> = Vec::new();
    let Some(statements) = policy.get("Statement") else {
        return conditions;
    };
    for item in statements.items() {
        match chosen_statement(item) {
            Some((c, branches)) => {
                if !conditions.iter().any(|x| x == c) {
                    conditions.push(c.to_owned());
                }
                branches
                    .iter()
                    .for_each(|b| value_conditions(b, &mut conditions));
            }
            // An item left to deployment as a whole stays unknown.
            None if intrinsic(item).is_some() => {}
            None => value_conditions(item, &mut conditions),
        }
    }
    conditions
}

/// The condition and the two values of `Fn::If` when at least one of them is written out
/// (not itself left to deployment); otherwise the whole value is unknown.
fn written_branches(node: &Node) -> Option<(&str, [&Node; 2])> {
    let (what, inner) = intrinsic(node)?;
    if what != "!If" && what != "Fn::If" {
        return None;
    }
    let [condition, yes, no] = inner.items() else {
        return None;
    };
    let written = |n: &Node| intrinsic(n).is_none_or(|(w, _)| w.ends_with("Sub"));
    (written(yes) || written(no)).then_some((condition.as_str()?, [yes, no]))
}

/// `Ref AWS::NoValue`: the property is left out.
fn is_no_value(node: &Node) -> bool {
    intrinsic(node)
        .is_some_and(|(w, inner)| (w == "Ref" || w == "!Ref") && inner.as_str() == Some(NO_VALUE))
}

/// The kind of policy a Terraform resource type holds, and the attribute that holds it.
fn terraform_kind(t: &str) -> Option<(PolicyKind, &'static str)> {
    match t {
        "aws_ecr_repository_policy" => Some((PolicyKind::Repository, "policy")),
        "aws_ecr_registry_policy" => Some((PolicyKind::Registry, "policy")),
        "aws_ecrpublic_repository_policy" => Some((PolicyKind::PublicRepository, "policy")),
        // The policy of the repositories ECR creates from the template; optional, and an
        // empty string when not set.
        "aws_ecr_repository_creation_template" => {
            Some((PolicyKind::Repository, "repository_policy"))
        }
        _ => None,
    }
}

/// The blocks of a Terraform JSON value: an object, or a list of objects.
fn blocks(node: Option<&Node>) -> Vec<&Node> {
    match node.map(|n| &n.value) {
        Some(Value::Object(_)) => node.into_iter().collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter(|i| matches!(i.value, Value::Object(_)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The policies of Terraform's JSON configuration syntax: `resource.TYPE.NAME.ATTRIBUTE`
/// strings. A string with `${...}` interpolations is a template whose interpolations are
/// unknown; `"${jsonencode(...)}"` or `"${data.aws_iam_policy_document.x.json}"` leaves the
/// whole policy to Terraform.
/// https://developer.hashicorp.com/terraform/language/syntax/json
pub fn terraform_config(file: &str, root: &Node) -> Vec<Embedded> {
    let mut out = Vec::new();
    for block in blocks(root.get("resource")) {
        for (t, _, by_name) in block.entries() {
            let Some((kind, attribute)) = terraform_kind(t) else {
                continue;
            };
            for named in blocks(Some(by_name)) {
                for (name, _, body) in named.entries() {
                    for resource in blocks(Some(body)) {
                        let Some(policy) = resource.get(attribute) else {
                            continue;
                        };
                        let Some(text) = policy.as_str().filter(|s| !s.trim().is_empty()) else {
                            continue;
                        };
                        let whole = text.trim();
                        let body = if whole.starts_with("${")
                            && whole.ends_with('}')
                            && whole[2..].find("${").is_none()
                        {
                            Body::Unknown(Unknown {
                                what: format!("Terraform expression {whole}"),
                                path: String::new(),
                                scope: String::new(),
                                offset: policy.start,
                            })
                        } else if text.contains("${") || text.contains("%{") {
                            string_body(file, policy, Some(TERRAFORM))
                        } else {
                            string_body(file, policy, None)
                        };
                        out.push(Embedded {
                            label: Some(format!("{t}.{name}.{attribute}")),
                            kind,
                            body,
                            when: None,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Stands for Terraform's string templates where `Fn::Sub` names its intrinsic.
const TERRAFORM: &str = "Terraform";

/// How an unknown `${...}` of a string template is reported.
fn variable_text(sub: &str, var: &str) -> String {
    if sub == TERRAFORM {
        format!("Terraform interpolation ${{{var}}}")
    } else {
        format!("{sub} variable ${{{var}}}")
    }
}

/// The policies of a Terraform plan: the planned values of `resource_changes` (or of
/// `planned_values` when the plan has no changes list), or of a state's `values`.
pub fn terraform(file: &str, root: &Node) -> Vec<Embedded> {
    let mut out = Vec::new();
    let kind_of = terraform_kind;
    // An empty string is no policy: an optional attribute left unset.
    let given = |p: &Node| p.as_str().is_some_and(|s| !s.trim().is_empty());
    // A plan with an empty changes list changes nothing: its planned values hold the
    // policies.
    if let Some(changes) = root
        .get("resource_changes")
        .filter(|c| !c.items().is_empty())
    {
        for change in changes.items() {
            let Some((kind, attribute)) =
                change.get("type").and_then(Node::as_str).and_then(kind_of)
            else {
                continue;
            };
            let address = change.get("address").and_then(Node::as_str).unwrap_or("?");
            let Some(c) = change.get("change") else {
                continue;
            };
            let label = Some(format!("{address}.{attribute}"));
            match c.get("after").and_then(|a| a.get(attribute)) {
                Some(policy) if given(policy) => out.push(Embedded {
                    label,
                    kind,
                    body: string_body(file, policy, None),
                    when: None,
                }),
                _ => {
                    let unknown = c.get("after_unknown").and_then(|a| a.get(attribute));
                    if let Some(u) = unknown.filter(|u| u.value == Value::Bool(true)) {
                        out.push(Embedded {
                            label,
                            kind,
                            body: Body::Unknown(Unknown {
                                what: "known after apply".to_owned(),
                                path: String::new(),
                                scope: String::new(),
                                offset: u.start,
                            }),
                            when: None,
                        });
                    }
                }
            }
        }
        return out;
    }
    fn walk(
        file: &str,
        module: &Node,
        out: &mut Vec<Embedded>,
        kind_of: &dyn Fn(&str) -> Option<(PolicyKind, &'static str)>,
        given: &dyn Fn(&Node) -> bool,
    ) {
        for r in module.get("resources").map(Node::items).unwrap_or(&[]) {
            let Some((kind, attribute)) = r.get("type").and_then(Node::as_str).and_then(kind_of)
            else {
                continue;
            };
            let address = r.get("address").and_then(Node::as_str).unwrap_or("?");
            if let Some(policy) = r.get("values").and_then(|v| v.get(attribute)) {
                if given(policy) {
                    out.push(Embedded {
                        label: Some(format!("{address}.{attribute}")),
                        kind,
                        body: string_body(file, policy, None),
                        when: None,
                    });
                }
            }
        }
        for child in module.get("child_modules").map(Node::items).unwrap_or(&[]) {
            walk(file, child, out, kind_of, given);
        }
    }
    // A plan's planned values, or the values of a state (`terraform show -json` without a
    // plan file).
    if let Some(module) = root
        .get("planned_values")
        .or_else(|| root.get("values"))
        .and_then(|p| p.get("root_module"))
    {
        walk(file, module, &mut out, &kind_of, &given);
    }
    out
}

/// The short name of a CloudFormation intrinsic at `node`, if it is one: a YAML tag (`!Ref`)
/// or an object of one `Ref`/`Fn::*` entry.
fn intrinsic(node: &Node) -> Option<(String, &Node)> {
    match &node.value {
        Value::Tagged(tag, inner) => Some((tag.clone(), inner)),
        Value::Object(entries) if entries.len() == 1 => {
            let (key, _, inner) = &entries[0];
            (key == "Ref" || key.starts_with("Fn::")).then(|| (key.clone(), inner))
        }
        _ => None,
    }
}

fn has_intrinsic(node: &Node) -> bool {
    intrinsic(node).is_some()
        || match &node.value {
            Value::Array(items) => items.iter().any(has_intrinsic),
            Value::Object(entries) => entries.iter().any(|e| has_intrinsic(&e.2)),
            _ => false,
        }
}

/// The policy of a template property: an object, a JSON string, or an intrinsic.
fn template_body(file: &str, node: &Node, json: bool) -> Body {
    if let Some((what, inner)) = intrinsic(node) {
        // The object as JSON text, values and all (`AWS::LanguageExtensions`): the policy is
        // the object. A string property such as a creation template's `RepositoryPolicy`.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ToJsonString.html
        if what == "Fn::ToJsonString" && matches!(inner.value, Value::Object(_)) {
            return template_body(file, inner, json);
        }
        if what == "!Sub" || what == "Fn::Sub" {
            // `Fn::Sub` takes a string or [string, variables].
            let template = match &inner.value {
                Value::Array(items) => items.first(),
                _ => Some(inner),
            };
            if let Some(t) = template.filter(|t| t.as_str().is_some()) {
                return string_body(file, t, Some(&what));
            }
        }
        return Body::Unknown(Unknown {
            what: intrinsic_text(&what, inner),
            path: String::new(),
            scope: String::new(),
            offset: node.start,
        });
    }
    match &node.value {
        Value::Str(..) => string_body(file, node, None),
        Value::Object(_) if json && !has_intrinsic(node) => {
            // A JSON object in a JSON file: the text as written.
            let mut map = OffsetMap::default();
            map.push(Seg {
                text: 0,
                file: node.start,
                len: node.end - node.start,
                approximate: false,
            });
            Body::Text {
                text: file[node.start..node.end].to_owned(),
                map,
                unknowns: Vec::new(),
                misread: Vec::new(),
                pseudo: Pseudo::default(),
            }
        }
        Value::Object(_) => generate(node, None, !json),
        Value::Null => Body::NotAPolicy {
            offset: node.start,
            found: "null",
        },
        Value::Bool(_) => Body::NotAPolicy {
            offset: node.start,
            found: "a boolean",
        },
        Value::Number(_) => Body::NotAPolicy {
            offset: node.start,
            found: "a number",
        },
        Value::Array(_) => Body::NotAPolicy {
            offset: node.start,
            found: "a list",
        },
        Value::Tagged(..) => Body::NotAPolicy {
            offset: node.start,
            found: "a tagged value",
        },
    }
}

/// A policy given as a string (JSON text): decoded, with the map from each decoded byte to
/// the file. Under `Fn::Sub`, `${...}` variables leave their values unknown.
fn string_body(file: &str, node: &Node, sub: Option<&str>) -> Body {
    let Value::Str(text, source) = &node.value else {
        return Body::NotAPolicy {
            offset: node.start,
            found: "no string",
        };
    };
    let map = string_map(file, node, text, *source);
    let Some(sub) = sub else {
        return Body::Text {
            text: text.clone(),
            map,
            unknowns: Vec::new(),
            misread: Vec::new(),
            pseudo: Pseudo::default(),
        };
    };
    match parse_json(text) {
        // A variable where a value goes (`"AWS": ${ReaderArns}`), or a Terraform directive
        // (`%{ for ... }`): the JSON is known only once it is substituted.
        Err(e)
            if text.get(e.offset..).is_some_and(|r| {
                r.starts_with("${") || (sub == TERRAFORM && r.starts_with("%{"))
            }) =>
        {
            let rest = &text[e.offset + 2..];
            let var = &rest[..rest.find('}').unwrap_or(rest.len())];
            let what = if text[e.offset..].starts_with('%') {
                format!("{sub} directive %{{{var}}}")
            } else {
                variable_text(sub, var)
            };
            Body::Unknown(Unknown {
                what,
                path: String::new(),
                scope: String::new(),
                offset: map.map(e.offset).0,
            })
        }
        // Not JSON: the reader reports the error, positioned through the map.
        Err(_) => Body::Text {
            text: text.clone(),
            map,
            unknowns: Vec::new(),
            misread: Vec::new(),
            pseudo: Pseudo::default(),
        },
        Ok(tree) => match generate(&tree, Some(sub), false) {
            Body::Text {
                text,
                map: inner,
                mut unknowns,
                misread,
                mut pseudo,
            } => {
                for u in &mut unknowns {
                    u.offset = map.map(u.offset).0;
                }
                for a in &mut pseudo.alternatives {
                    a.map = map.compose(&a.map);
                }
                Body::Text {
                    text,
                    map: map.compose(&inner),
                    unknowns,
                    misread,
                    pseudo,
                }
            }
            Body::Unknown(mut u) => {
                u.offset = map.map(u.offset).0;
                Body::Unknown(u)
            }
            other => other,
        },
    }
}

/// Where each byte of a decoded string stands in the file.
fn string_map(file: &str, node: &Node, text: &str, source: StrSource) -> OffsetMap {
    let mut map = OffsetMap::default();
    let point = |map: &mut OffsetMap| {
        map.push(Seg {
            text: 0,
            file: node.start,
            len: 0,
            approximate: true,
        });
    };
    match source {
        StrSource::Json => {
            if json_string_map(file, node.start, &mut map).is_none() {
                point(&mut map);
                return map;
            }
        }
        StrSource::Yaml(style) => {
            let mut start = node.start.min(file.len());
            let raw = &file[start..node.end.min(file.len()).max(start)];
            // The span of a tagged or anchored scalar (`!Sub '...'`) starts at its tag.
            let mut raw = raw;
            while matches!(raw.as_bytes().first(), Some(b'!' | b'&')) {
                let Some(gap) = raw.find([' ', '\t', '\n', '\r']) else {
                    break;
                };
                let value = raw[gap..].trim_start_matches([' ', '\t', '\n', '\r']);
                start += raw.len() - value.len();
                raw = value;
            }
            let inner = match style {
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if raw.len() >= 2 => {
                    Some((start + 1, &raw[1..raw.len() - 1]))
                }
                ScalarStyle::Plain => Some((start, raw)),
                _ => None,
            };
            match inner {
                Some((at, r)) if r == text => map.push(Seg {
                    text: 0,
                    file: at,
                    len: text.len(),
                    approximate: false,
                }),
                // A double-quoted YAML string on one line with JSON's escapes (`\"`) decodes
                // as the JSON string literal it also is.
                _ if style == ScalarStyle::DoubleQuoted && !raw.contains('\n') && {
                    let mut exact = OffsetMap::default();
                    let same = json_string_map(file, start, &mut exact).is_some_and(|s| s == *text);
                    if same {
                        map = exact;
                    }
                    same
                } => {}
                _ if style == ScalarStyle::Literal => {
                    if !literal_map(file, node, text, &mut map) {
                        map = OffsetMap::default();
                        point(&mut map);
                    }
                }
                _ => point(&mut map),
            }
        }
    }
    if map.segs.is_empty() {
        point(&mut map);
    }
    map
}

/// Maps the JSON string literal at `quote` (its opening quote) into `map`, and gives its
/// decoded text; none when it is no JSON string literal (and `map` may hold part of it).
fn json_string_map(file: &str, quote: usize, map: &mut OffsetMap) -> Option<String> {
    let mut chars: Vec<(usize, usize)> = Vec::new();
    let (decoded, _) = decode_json_string(file, quote, |t, f| chars.push((t, f))).ok()?;
    for (k, &(t, f)) in chars.iter().enumerate() {
        let next_t = chars.get(k + 1).map_or(decoded.len(), |c| c.0);
        // An escape (`\n`, `\u00e9`) maps as one point; a plain character maps byte for
        // byte.
        let plain = file.as_bytes().get(f) != Some(&b'\\');
        map.push(Seg {
            text: t,
            file: f,
            len: if plain { next_t - t } else { 0 },
            approximate: false,
        });
    }
    Some(decoded)
}

/// A literal block scalar (`|`) keeps its lines: decoded line k is line k of the block, less
/// the indentation.
fn literal_map(file: &str, node: &Node, text: &str, map: &mut OffsetMap) -> bool {
    // The scalar's span starts at its first character, after the indentation, or at its
    // tag or anchor when it has one; then the content starts on the next line.
    let (mut line_start, indent) =
        if matches!(file.as_bytes().get(node.start), Some(b'!' | b'&' | b'|')) {
            let Some(nl) = file[node.start..].find('\n') else {
                return false;
            };
            let start = node.start + nl + 1;
            let Some(first) = file[start..].lines().find(|l| !l.trim().is_empty()) else {
                return false;
            };
            (start, first.len() - first.trim_start_matches(' ').len())
        } else {
            let line_start = file[..node.start].rfind('\n').map_or(0, |i| i + 1);
            (line_start, node.start - line_start)
        };
    let mut t = 0;
    for line in text.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let raw_end = file[line_start..]
            .find('\n')
            .map_or(file.len(), |i| line_start + i);
        let raw = &file[line_start..raw_end];
        if content.is_empty() {
            // A blank line may be written with or without its indentation.
        } else if raw.len() >= indent && raw[indent..].starts_with(content) {
            map.push(Seg {
                text: t,
                file: line_start + indent,
                len: content.len(),
                approximate: false,
            });
        } else {
            return false;
        }
        t += line.len();
        line_start = (raw_end + 1).min(file.len());
    }
    true
}

const PLAIN: StrSource = StrSource::Yaml(ScalarStyle::Plain);

/// Logical position of a value, for placeholders and the lint's paths.
#[derive(Clone)]
enum Part {
    Key(String),
    Index(usize),
}

fn path_text(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Part::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn keys(parts: &[Part]) -> Vec<&str> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Key(k) => Some(k.as_str()),
            Part::Index(_) => None,
        })
        .collect()
}

/// Whether the grammar makes the value at `keys` a list (a bare value counts as `[0]`).
fn is_list_position(keys: &[&str]) -> bool {
    matches!(
        keys,
        ["Statement"]
            | [
                "Statement",
                "Action" | "NotAction" | "Resource" | "NotResource"
            ]
            | ["Statement", "Principal" | "NotPrincipal", _]
            | ["Statement", "Condition", _, _]
    )
}

/// A neutral value that reads as the grammar wants at `keys`; the findings it could sway are
/// dropped (see [`Unknown::scope`]).
fn placeholder(keys: &[&str]) -> &'static str {
    const ROOT: &str = r#""arn:aws:iam::000000000000:root""#;
    match keys {
        ["Version"] => r#""2012-10-17""#,
        // A statement of the list (the whole list leaves the policy unknown).
        ["Statement"] => {
            r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"ecr:DescribeImages"}"#
        }
        ["Statement", "Principal" | "NotPrincipal"] => {
            r#"{"AWS":"arn:aws:iam::000000000000:root"}"#
        }
        ["Statement", "Principal" | "NotPrincipal", "AWS"] => ROOT,
        ["Statement", "Principal" | "NotPrincipal", "Service"] => r#""unknown.amazonaws.com""#,
        ["Statement", "Action" | "NotAction"] => r#""ecr:DescribeImages""#,
        ["Statement", "Resource" | "NotResource"] => r#""*""#,
        ["Statement", "Effect"] => r#""Deny""#,
        ["Statement", "Sid"] => r#""Unknown""#,
        ["Statement", "Condition"] | ["Statement", "Condition", _] => "{}",
        ["Statement", "Condition", op, _] if op.contains("Numeric") => r#""0""#,
        ["Statement", "Condition", op, _] if op.contains("Bool") => r#""true""#,
        ["Statement", "Condition", op, _] if op.contains("IpAddress") => r#""192.0.2.0/32""#,
        ["Statement", "Condition", op, _] if op.contains("Date") => r#""2000-01-01T00:00:00Z""#,
        ["Statement", "Condition", op, _] if op.contains("Arn") => {
            r#""arn:aws:iam::000000000000:root""#
        }
        _ => r#""unknown""#,
    }
}

struct Gen<'s> {
    out: String,
    map: OffsetMap,
    unknowns: Vec<Unknown>,
    misread: Vec<Misread>,
    sub: Option<&'s str>,
    /// The tree was read from YAML, whose scalars CloudFormation takes as strings.
    yaml: bool,
    /// The account id written for `AWS::AccountId`.
    stand_in: String,
    /// Whether `AWS::Partition` may be read as `aws`.
    partition: bool,
    /// The values read for the other pseudo parameters.
    stand_ins: StandIns,
    /// The pseudo parameters read as values.
    pseudo: Pseudo,
}

/// Writes the tree as JSON text, recording where each value came from; intrinsics become
/// placeholders and [`Unknown`]s. `yaml` when the tree is a YAML template's or policy's: a
/// number is then the string written (`AWS: 123456789012`), as CloudFormation reads it.
pub fn generate(node: &Node, sub: Option<&str>, yaml: bool) -> Body {
    if let Some((what, inner)) = intrinsic(node) {
        return Body::Unknown(Unknown {
            what: intrinsic_text(&what, inner),
            path: String::new(),
            scope: String::new(),
            offset: node.start,
        });
    }
    // The partition the policy writes literally, whose regions stand in for `AWS::Region`.
    let written_partition = ["aws-cn", "aws-us-gov"]
        .into_iter()
        .find(|p| names(node, &format!("arn:{p}:")))
        .unwrap_or("aws");
    let (regions, url_suffix) = partition_regions(written_partition);
    let mut named_regions = Vec::new();
    written_regions(node, &mut named_regions);
    let fresh_regions: Vec<&str> = regions
        .iter()
        .copied()
        .filter(|r| !named_regions.iter().any(|n| n == r))
        .collect();
    let stack_names = ["StandInStack", "OtherStandInStack", "ThirdStandInStack"];
    let fresh_stacks: Vec<&str> = stack_names
        .into_iter()
        .filter(|n| !names(node, n))
        .collect();
    let primary = StandIns {
        region: fresh_regions.first().unwrap_or(&regions[0]).to_string(),
        url_suffix: url_suffix.to_owned(),
        stack_name: fresh_stacks.first().unwrap_or(&stack_names[0]).to_string(),
    };
    let gen_with = |account: String, partition: bool, stand_ins: StandIns| {
        let mut g = Gen {
            out: String::new(),
            map: OffsetMap::default(),
            unknowns: Vec::new(),
            misread: Vec::new(),
            sub,
            yaml,
            stand_in: account,
            partition,
            stand_ins,
            pseudo: Pseudo::default(),
        };
        g.value(node, &mut Vec::new());
        g
    };
    let stand_in = |k: u64| (999_999_999_999 - k).to_string();
    let gen = |k: u64, partition: bool| gen_with(stand_in(k), partition, primary.clone());
    let mut g = gen(0, true);
    let mut k = 0;
    // The stand-in must be an account the policy does not name, to stay its owner only.
    while g.pseudo.account.is_some() && names(node, &g.stand_in) {
        k += 1;
        g = gen(k, true);
    }
    // `AWS::Partition` is read as `aws` only when the policy writes no other partition. The
    // lint compares ARNs by their text, and a partition the policy names only through the
    // pseudo parameter (or as `aws`) is the same text in every ARN it compares: another name
    // for it, the same in all of them, changes no finding. (Principals and resources of
    // another partition than the policy's are not in it: `arn:aws:` written literally means
    // the stack deploys in `aws`.) A literal `aws-cn` or `aws-us-gov` beside it would compare
    // differently in another partition: the partition then stays unknown.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    if g.pseudo.partition && g.out.contains("arn:aws-") {
        g = gen(k, false);
    }
    if let Some(u) = g
        .unknowns
        .iter()
        .find(|u| u.scope.is_empty() || u.scope == "Statement")
    {
        return Body::Unknown(u.clone());
    }
    // Each other stand-in once: another region of the partition and each region the policy
    // writes, the other domain suffix when the policy writes no partition, another stack
    // name.
    let mut others: Vec<(String, StandIns)> = Vec::new();
    let used = |name: &str| g.pseudo.stand_ins.iter().any(|u| u.starts_with(name));
    if used(REGION) {
        let mut regions: Vec<&str> = fresh_regions.iter().skip(1).take(1).copied().collect();
        regions.extend(
            named_regions
                .iter()
                .map(String::as_str)
                .take(MAX_REGION_READINGS),
        );
        for r in regions {
            let region = r.to_owned();
            others.push((
                format!("{REGION} as {r}"),
                StandIns {
                    region,
                    ..primary.clone()
                },
            ));
        }
    }
    if used(URL_SUFFIX) && !names(node, "arn:aws:") && written_partition == "aws" {
        let (cn, suffix) = partition_regions("aws-cn");
        let stand_ins = StandIns {
            region: cn[0].to_owned(),
            url_suffix: suffix.to_owned(),
            ..primary.clone()
        };
        others.push((
            format!("{URL_SUFFIX} as {suffix} (with {REGION} as {})", cn[0]),
            stand_ins,
        ));
    }
    if used(STACK_NAME) || used(STACK_ID) {
        if let Some(n) = fresh_stacks.get(1) {
            let stand_ins = StandIns {
                stack_name: (*n).to_owned(),
                ..primary.clone()
            };
            others.push((format!("{STACK_NAME} as {n}"), stand_ins));
        }
    }
    let partition = g.partition;
    for (reading, stand_ins) in others {
        let other = gen_with(stand_in(k), partition, stand_ins);
        g.pseudo.alternatives.push(Alternative {
            reading,
            text: other.out,
            map: other.map,
            account: None,
        });
    }
    // Each account the policy names may be the stack's own.
    if g.pseudo.account.is_some() {
        let mut accounts = Vec::new();
        written_accounts(node, &mut accounts, &mut Default::default());
        g.pseudo.accounts_not_read = accounts.len().saturating_sub(MAX_ACCOUNT_READINGS);
        for account in accounts.into_iter().take(MAX_ACCOUNT_READINGS) {
            let account = account.to_owned();
            let other = gen_with(account.clone(), partition, primary.clone());
            g.pseudo.alternatives.push(Alternative {
                reading: format!("{ACCOUNT_ID} as {account}"),
                text: other.out,
                map: other.map,
                account: Some(account),
            });
        }
    }
    Body::Text {
        text: g.out,
        map: g.map,
        unknowns: g.unknowns,
        misread: g.misread,
        pseudo: g.pseudo,
    }
}

/// Whether a string or key of the tree holds `text`.
fn names(node: &Node, text: &str) -> bool {
    match &node.value {
        Value::Str(s, _) | Value::Number(s) => s.contains(text),
        Value::Array(items) => items.iter().any(|i| names(i, text)),
        Value::Object(entries) => entries
            .iter()
            .any(|(k, _, v)| k.contains(text) || names(v, text)),
        Value::Tagged(_, inner) => names(inner, text),
        _ => false,
    }
}

/// The number YAML 1.1 reads in a plain scalar written as an octal integer there (`0`, then
/// octal digits and `_`), which YAML 1.2 (this reader) takes as a string: an account id with a
/// leading zero and no 8 or 9, unquoted. CloudFormation reads YAML 1.1, and such an id is
/// another number to it (`012345670123` is 1402433619).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
fn yaml11_octal(s: &str) -> Option<String> {
    let (sign, unsigned) = match s.as_bytes().first() {
        Some(b'-') => ("-", &s[1..]),
        Some(b'+') => ("", &s[1..]),
        _ => ("", s),
    };
    let digits = unsigned.strip_prefix('0')?;
    if !digits.bytes().all(|b| matches!(b, b'0'..=b'7' | b'_')) || !digits.contains(|c| c != '_') {
        return None;
    }
    let mut value: u128 = 0;
    for b in digits.bytes().filter(|&b| b != b'_') {
        value = value.checked_mul(8)?.checked_add(u128::from(b - b'0'))?;
    }
    Some(format!("{sign}{value}"))
}

/// How an intrinsic that leaves a value unknown is named, with what it reads as far as the
/// file writes it: `!Ref RepoArnParam`, `Fn::GetAtt Role.Arn` (of `[Role, Arn]` or `Role.Arn`),
/// `Fn::ImportValue SharedRepoArn`, `Fn::ImportValue !Sub ${Env}-repo-arn`; otherwise the
/// function alone (`Fn::Select`).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html
fn intrinsic_text(what: &str, inner: &Node) -> String {
    let function = what.trim_start_matches('!').trim_start_matches("Fn::");
    match function {
        "Ref" | "ImportValue" => match inner.as_str() {
            Some(name) => format!("{what} {name}"),
            None => match intrinsic(inner) {
                // The name built by another function: `Fn::ImportValue !Sub ${Env}-arn`.
                Some((w, i)) if function == "ImportValue" => {
                    let named = intrinsic_text(&w, i);
                    match (named == w, i.as_str()) {
                        (true, Some(template)) => format!("{what} {w} {template}"),
                        _ => format!("{what} {named}"),
                    }
                }
                _ => what.to_owned(),
            },
        },
        "GetAtt" => match (inner.as_str(), inner.items()) {
            (Some(name), _) => format!("{what} {name}"),
            (None, [resource, attribute]) => match (resource.as_str(), attribute.as_str()) {
                (Some(r), Some(a)) => format!("{what} {r}.{a}"),
                (Some(r), None) => format!("{what} {r}"),
                _ => what.to_owned(),
            },
            _ => what.to_owned(),
        },
        _ => what.to_owned(),
    }
}

impl Gen<'_> {
    /// The value read for a pseudo parameter (see [`Pseudo`]), if it is read as one.
    fn pseudo_value(&mut self, name: &str) -> Option<String> {
        match name {
            ACCOUNT_ID => {
                self.pseudo.account = Some(self.stand_in.clone());
                Some(self.stand_in.clone())
            }
            PARTITION if self.partition => {
                self.pseudo.partition = true;
                Some("aws".to_owned())
            }
            REGION => Some(self.stand_in_value(REGION, self.stand_ins.region.clone())),
            URL_SUFFIX => Some(self.stand_in_value(URL_SUFFIX, self.stand_ins.url_suffix.clone())),
            STACK_NAME => Some(self.stand_in_value(STACK_NAME, self.stand_ins.stack_name.clone())),
            STACK_ID => {
                // arn:aws:cloudformation:us-west-2:123456789012:stack/teststack/51af3dc0-...
                let partition = if self.partition { "aws" } else { return None };
                let region = self.pseudo_value(REGION)?;
                let account = self.pseudo_value(ACCOUNT_ID)?;
                let name = self.pseudo_value(STACK_NAME)?;
                let id = format!(
                    "arn:{partition}:cloudformation:{region}:{account}:stack/{name}/00000000-0000-0000-0000-000000000000"
                );
                Some(self.stand_in_value(STACK_ID, id))
            }
            _ => None,
        }
    }

    /// `value`, the stand-in for `name`, recorded as read.
    fn stand_in_value(&mut self, name: &str, value: String) -> String {
        let read = format!("{name} as {value}");
        if !self.pseudo.stand_ins.contains(&read) {
            self.pseudo.stand_ins.push(read);
        }
        value
    }

    /// A string of a `Fn::Sub` policy text with its pseudo parameters read as values.
    fn sub_pseudo(&mut self, s: &str) -> String {
        let mut out = s.to_owned();
        for name in PSEUDO {
            let var = format!("${{{name}}}");
            if out.contains(&var) {
                if let Some(value) = self.pseudo_value(name) {
                    out = out.replace(&var, &value);
                }
            }
        }
        out
    }

    fn mark(&mut self, at: usize) {
        self.map.segs.push(Seg {
            text: self.out.len(),
            file: at,
            len: 0,
            approximate: false,
        });
    }

    fn unknown(&mut self, what: String, at: usize, parts: &[Part]) {
        let k = keys(parts);
        let path = path_text(parts);
        let indexed = matches!(parts.last(), Some(Part::Index(_)));
        let scope = match k.as_slice() {
            [] => String::new(),
            ["Statement"] if !indexed => path.clone(),
            // The effect decides every finding of its statement; a principal, those about
            // the principal element (and the statement's own, through the ancestor rule).
            ["Statement", "Effect", ..] => path_text(&parts[..2]),
            ["Statement", "Principal" | "NotPrincipal", ..] => path_text(&parts[..3]),
            _ if indexed && k.len() > 1 => path_text(&parts[..parts.len() - 1]),
            _ => path.clone(),
        };
        self.mark(at);
        self.out.push_str(placeholder(&k));
        self.unknowns.push(Unknown {
            what,
            path,
            scope,
            offset: at,
        });
    }

    fn value(&mut self, node: &Node, parts: &mut Vec<Part>) {
        // The lint indexes every list, a bare value too: `Action[0]` for `"Action": "x"`.
        if !matches!(node.value, Value::Array(_))
            && !matches!(parts.last(), Some(Part::Index(_)))
            && is_list_position(&keys(parts))
        {
            parts.push(Part::Index(0));
            self.value(node, parts);
            parts.pop();
            return;
        }
        if let Some((what, _)) = intrinsic(node) {
            // A string built from literals is the string (`!Join ['', [...]]`, a `!Sub`
            // without variables); a `!Join` with an unknown part is named by that part.
            if self.sub.is_none()
                && (what.ends_with("Join") || what.ends_with("Sub") || what.ends_with("Ref"))
            {
                match self.text_of(node, parts) {
                    Ok(text) => {
                        self.mark(node.start);
                        self.string(&text);
                        return;
                    }
                    // `!Ref RepoArnParam`, `!Sub 'arn:aws:iam::${Consumer}:root'`: named by
                    // what is left to deployment.
                    Err(part) => {
                        self.unknown(part, node.start, parts);
                        return;
                    }
                }
            }
            let named = intrinsic(node).map_or(what, |(w, inner)| intrinsic_text(&w, inner));
            self.unknown(named, node.start, parts);
            return;
        }
        match &node.value {
            Value::Object(entries) => {
                self.mark(node.start);
                self.out.push('{');
                let mut first = true;
                for (key, key_at, v) in entries {
                    // `Ref AWS::NoValue`: the entry is left out.
                    if is_no_value(v) {
                        continue;
                    }
                    if let Some(sub) = self.sub {
                        if let Some(var) = sub_variable(key, sub) {
                            // A key left to deployment: the entry is left out, and what holds
                            // it is unknown (`scope`, the path without the key).
                            parts.push(Part::Key(key.clone()));
                            let path = path_text(parts);
                            parts.pop();
                            self.unknowns.push(Unknown {
                                what: variable_text(sub, var),
                                path,
                                scope: path_text(parts),
                                offset: *key_at,
                            });
                            continue;
                        }
                    }
                    if !first {
                        self.out.push(',');
                    }
                    first = false;
                    self.mark(*key_at);
                    if self.sub.is_some() {
                        self.string(&sub_literal(key, self.sub));
                    } else {
                        self.string(key);
                    }
                    self.out.push(':');
                    parts.push(Part::Key(key.clone()));
                    self.value(v, parts);
                    parts.pop();
                }
                self.out.push('}');
            }
            Value::Array(items) => {
                self.mark(node.start);
                self.out.push('[');
                // `Ref AWS::NoValue`: the item is left out, the later ones counted without it.
                let kept = items.iter().filter(|v| !is_no_value(v));
                for (i, v) in kept.enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    parts.push(Part::Index(i));
                    self.value(v, parts);
                    parts.pop();
                }
                self.out.push(']');
            }
            Value::Str(s, _) => {
                if let Some(sub) = self.sub {
                    let pseudo;
                    let s = if sub != TERRAFORM && s.contains("${AWS::") {
                        pseudo = self.sub_pseudo(s);
                        &pseudo
                    } else {
                        s
                    };
                    if let Some(var) = sub_variable(s, sub) {
                        self.unknown(variable_text(sub, var), node.start, parts);
                        return;
                    }
                    self.mark(node.start);
                    self.string(&sub_literal(s, Some(sub)));
                    return;
                }
                let text = self.scalar(node, s, parts);
                self.mark(node.start);
                self.string(&text);
            }
            Value::Number(n) if self.yaml => {
                self.mark(node.start);
                self.string(n);
            }
            Value::Number(n) => {
                self.mark(node.start);
                self.out.push_str(n);
            }
            Value::Bool(b) => {
                self.mark(node.start);
                self.out.push_str(if *b { "true" } else { "false" });
            }
            Value::Null => {
                self.mark(node.start);
                self.out.push_str("null");
            }
            Value::Tagged(..) => unreachable!("intrinsic() takes every tagged value"),
        }
    }

    /// A string scalar as CloudFormation reads it (see [`yaml11_octal`]).
    fn scalar(&mut self, node: &Node, s: &str, parts: &[Part]) -> String {
        if self.yaml && matches!(node.value, Value::Str(_, PLAIN)) {
            if let Some(read) = yaml11_octal(s) {
                self.misread.push(Misread {
                    written: s.to_owned(),
                    read: read.clone(),
                    path: path_text(parts),
                    offset: node.start,
                });
                return read;
            }
        }
        s.to_owned()
    }

    /// The text of a string CloudFormation builds from literals: a scalar, `Fn::Join` of such
    /// texts, `Fn::Sub` whose variables its own map gives as such texts; otherwise the
    /// intrinsic that leaves it unknown.
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-join.html
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html
    fn text_of(&mut self, node: &Node, parts: &[Part]) -> Result<String, String> {
        let Some((what, inner)) = intrinsic(node) else {
            return match &node.value {
                Value::Str(s, _) => Ok(self.scalar(node, s, parts)),
                Value::Number(n) => Ok(n.clone()),
                Value::Bool(b) if self.yaml => Ok(b.to_string()),
                _ => Err("a value that is no string".to_owned()),
            };
        };
        match what.as_str() {
            "!Join" | "Fn::Join" => {
                let [delimiter, list] = inner.items() else {
                    return Err(what);
                };
                let delimiter = self.text_of(delimiter, parts).map_err(|_| what.clone())?;
                let Value::Array(items) = &list.value else {
                    let of =
                        intrinsic(list).map_or_else(String::new, |(w, i)| intrinsic_text(&w, i));
                    return Err(format!("{what} list {of}").trim_end().to_owned());
                };
                let mut text = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        text.push_str(&delimiter);
                    }
                    let part = self
                        .text_of(item, parts)
                        .map_err(|e| format!("{what} part {e}"))?;
                    text.push_str(&part);
                }
                Ok(text)
            }
            "!Sub" | "Fn::Sub" => {
                let (template, vars) = match &inner.value {
                    Value::Array(items) => (items.first(), items.get(1)),
                    _ => (Some(inner), None),
                };
                let Some(template) = template.and_then(Node::as_str) else {
                    return Err(what);
                };
                let mut text = String::new();
                let mut rest = template;
                while let Some(i) = rest.find("${") {
                    text.push_str(&rest[..i]);
                    let after = &rest[i + 2..];
                    if let Some(literal) = after.strip_prefix('!') {
                        text.push_str("${");
                        rest = literal;
                        continue;
                    }
                    let Some(end) = after.find('}') else {
                        text.push_str(&rest[i..]);
                        rest = "";
                        break;
                    };
                    let var = &after[..end];
                    match vars.and_then(|v| v.get(var)) {
                        Some(value) => text.push_str(&self.text_of(value, parts)?),
                        None => text.push_str(
                            &self
                                .pseudo_value(var)
                                .ok_or_else(|| format!("{what} variable ${{{var}}}"))?,
                        ),
                    }
                    rest = &after[end + 1..];
                }
                text.push_str(rest);
                Ok(text)
            }
            "!Ref" | "Ref" => inner
                .as_str()
                .and_then(|name| self.pseudo_value(name))
                .ok_or_else(|| intrinsic_text(&what, inner)),
            _ => Err(intrinsic_text(&what, inner)),
        }
    }

    fn string(&mut self, s: &str) {
        self.out
            .push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
    }
}

/// The first `${Name}` of a `Fn::Sub` template string; `${!Name}` is literal text. In a
/// Terraform template (`sub` is [`TERRAFORM`]) `$${` is the literal text `${`.
/// https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
fn sub_variable<'t>(s: &'t str, sub: &str) -> Option<&'t str> {
    if sub == TERRAFORM {
        let mut i = 0;
        while let Some(at) = s[i..].find('$').map(|a| a + i) {
            let rest = &s[at..];
            if rest.starts_with("$${") {
                i = at + 3;
            } else if let Some(after) = rest.strip_prefix("${") {
                let end = after.find('}')?;
                return Some(&after[..end]);
            } else {
                i = at + 1;
            }
        }
        return None;
    }
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            rest = literal;
            continue;
        }
        let end = after.find('}')?;
        return Some(&after[..end]);
    }
    None
}

/// The text of a template string without variables: `${!` is `${` in `Fn::Sub`, and `$${`
/// and `%%{` are `${` and `%{` in Terraform.
fn sub_literal(s: &str, sub: Option<&str>) -> String {
    match sub {
        Some(TERRAFORM) => s.replace("$${", "${").replace("%%{", "%{"),
        Some(_) => s.replace("${!", "${"),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse_yaml;

    fn text_of(body: &Body) -> (&str, &OffsetMap, &[Unknown]) {
        match body {
            Body::Text {
                text,
                map,
                unknowns,
                ..
            } => (text, map, unknowns),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_string_positions_map_through_escapes() {
        let file = r#"{"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}"#;
        let root = parse_json(file).unwrap();
        let body = string_body(file, root.get("policy").unwrap(), None);
        let (text, map, _) = text_of(&body);
        let at = text.find("Statement").unwrap();
        let (off, approximate) = map.map(at);
        assert!(!approximate, "{map:?}");
        assert_eq!(&file[off..off + 9], "Statement");
        // The quote before it is an escape: it maps to the backslash.
        let (q, _) = map.map(at - 1);
        assert_eq!(&file[q..q + 2], "\\\"");
    }

    #[test]
    fn yaml_literal_block_maps_line_by_line() {
        let file = "P: |\n  {\n    \"Statement\": []\n  }\n";
        let root = parse_yaml(file).unwrap();
        let body = string_body(file, root.get("P").unwrap(), None);
        let (text, map, _) = text_of(&body);
        let (off, approximate) = map.map(text.find("Statement").unwrap());
        assert!(!approximate);
        assert_eq!(&file[off..off + 9], "Statement");
    }

    #[test]
    fn yaml_double_quoted_strings_map_through_json_escapes() {
        let file = "P: \"{\\\"Statement\\\": []}\"\nQ: \"{\\x22Statement\\x22: []}\"\n";
        let root = parse_yaml(file).unwrap();
        let body = string_body(file, root.get("P").unwrap(), None);
        let (text, map, _) = text_of(&body);
        let (off, approximate) = map.map(text.find("Statement").unwrap());
        assert!(!approximate, "{map:?}");
        assert_eq!(&file[off..off + 9], "Statement");
        // A YAML escape JSON does not have: the string's start.
        let q = root.get("Q").unwrap();
        let body = string_body(file, q, None);
        let (_, map, _) = text_of(&body);
        assert_eq!(map.map(3), (q.start, true));
    }

    #[test]
    fn folded_strings_point_at_their_start() {
        let file = "P: >\n  {\"Statement\":\n  []}\n";
        let root = parse_yaml(file).unwrap();
        let node = root.get("P").unwrap();
        let body = string_body(file, node, None);
        let (_, map, _) = text_of(&body);
        assert_eq!(map.map(5), (node.start, true));
    }

    #[test]
    fn intrinsics_become_unknowns_with_their_scope() {
        let file = "P:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !Sub 'arn:aws:iam::${Owner}:root'\n      Action: [ecr:BatchGetImage, !Ref Extra]\n";
        let root = parse_yaml(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), false);
        let (text, _, unknowns) = text_of(&body);
        assert!(
            text.contains(r#""AWS":"arn:aws:iam::000000000000:root""#),
            "{text}"
        );
        let got: Vec<(&str, &str, &str)> = unknowns
            .iter()
            .map(|u| (u.what.as_str(), u.path.as_str(), u.scope.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "!Sub variable ${Owner}",
                    "Statement[0].Principal.AWS[0]",
                    "Statement[0].Principal"
                ),
                (
                    "!Ref Extra",
                    "Statement[0].Action[1]",
                    "Statement[0].Action"
                ),
            ]
        );
        assert_eq!(&file[unknowns[1].offset..unknowns[1].offset + 4], "!Ref");
    }

    #[test]
    fn unknowns_name_what_they_read() {
        let file = "P: [!Ref Param, {Ref: Other}, !GetAtt Role.Arn, {'Fn::GetAtt': [Role, Arn]}, !ImportValue Shared, {'Fn::ImportValue': !Sub '${Env}-arn'}, {'Fn::ImportValue': {'Fn::Join': ['-', [a, b]]}}, !GetAtt [Role], !Select [0, [a]]]\n";
        let root = parse_yaml(file).unwrap();
        let named: Vec<String> = root
            .get("P")
            .unwrap()
            .items()
            .iter()
            .map(|n| {
                let (what, inner) = intrinsic(n).unwrap();
                intrinsic_text(&what, inner)
            })
            .collect();
        assert_eq!(
            named,
            [
                "!Ref Param",
                "Ref Other",
                "!GetAtt Role.Arn",
                "Fn::GetAtt Role.Arn",
                "!ImportValue Shared",
                "Fn::ImportValue !Sub ${Env}-arn",
                "Fn::ImportValue Fn::Join",
                "!GetAtt",
                "!Select"
            ]
        );
    }

    #[test]
    fn sub_templates_leave_variables_unknown() {
        let file = "P: !Sub |\n  {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::${Owner}:root\"}, \"Action\": \"ecr:*\", \"Sid\": \"${!Literal}\"}]}\n";
        let root = parse_yaml(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), false);
        let (text, _, unknowns) = text_of(&body);
        assert_eq!(unknowns.len(), 1);
        assert_eq!(unknowns[0].what, "!Sub variable ${Owner}");
        assert!(text.contains(r#""Sid":"${Literal}""#));
        assert_eq!(&file[unknowns[0].offset..unknowns[0].offset + 5], "\"arn:");
    }

    #[test]
    fn sub_variables_in_keys_leave_their_entry_unknown() {
        let file = "P: !Sub '{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/${K}\": \"a\", \"aws:ResourceTag/${!k}\": \"b\"}}}]}'\n";
        let root = parse_yaml(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), false);
        let (text, _, unknowns) = text_of(&body);
        assert_eq!(
            text,
            r#"{"Statement":[{"Condition":{"StringEquals":{"aws:ResourceTag/${k}":"b"}}}]}"#
        );
        assert_eq!(unknowns.len(), 1);
        assert_eq!(unknowns[0].what, "!Sub variable ${K}");
        assert_eq!(unknowns[0].scope, "Statement[0].Condition.StringEquals");
        assert_eq!(&file[unknowns[0].offset..unknowns[0].offset + 5], "\"aws:");
    }

    #[test]
    fn yaml_scalars_are_read_as_cloudformation_reads_them() {
        assert_eq!(yaml11_octal("012345670123").as_deref(), Some("1402433619"));
        assert_eq!(yaml11_octal("-0_17").as_deref(), Some("-15"));
        // An 8 or a 9 makes it no octal number: a string, as written.
        for s in ["012345678901", "0", "0_", "00x", "123", "0o17", ""] {
            assert_eq!(yaml11_octal(s), None, "{s}");
        }
        let file = "P:\n  Statement:\n    - Principal: {AWS: [123456789012, 012345670123, '012345670123']}\n";
        let root = parse_yaml(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), false);
        let Body::Text { text, misread, .. } = &body else {
            panic!("{body:?}")
        };
        assert_eq!(
            text,
            r#"{"Statement":[{"Principal":{"AWS":["123456789012","1402433619","012345670123"]}}]}"#
        );
        assert_eq!(misread.len(), 1);
        assert_eq!(misread[0].path, "Statement[0].Principal.AWS[1]");
        assert_eq!(&file[misread[0].offset..misread[0].offset + 3], "012");
        // JSON numbers stay numbers, for the reader to refuse where a string goes.
        let file =
            r#"{"P": {"Statement": [{"Principal": {"AWS": 123456789012}, "Sid": {"Ref": "S"}}]}}"#;
        let root = parse_json(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), true);
        let (text, _, _) = text_of(&body);
        assert!(text.contains(r#""AWS":123456789012"#), "{text}");
    }

    #[test]
    fn joined_strings_are_built_from_their_parts() {
        let file = concat!(
            "P:\n  Statement:\n",
            "    - Sid: !Join ['', [a, !Sub 'b${!c}', 1, !Join ['-', [d, e]]]]\n",
            "      Action: {Fn::Join: [':', [ecr, !Sub ['${A}', {A: ListImages}]]]}\n",
            "      Principal: {AWS: !Join ['', ['arn:aws:iam::', !Ref Owner, ':root']]}\n",
            "      Resource: [!Join ['', !Ref Parts], !Join [',', [!Sub '${X}']]]\n",
        );
        let root = parse_yaml(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), false);
        let (text, _, unknowns) = text_of(&body);
        assert!(text.contains(r#""Sid":"ab${c}1d-e""#), "{text}");
        assert!(text.contains(r#""Action":"ecr:ListImages""#), "{text}");
        let what: Vec<&str> = unknowns.iter().map(|u| u.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "!Join part !Ref Owner",
                "!Join list !Ref Parts",
                "!Join part !Sub variable ${X}"
            ]
        );
        // A `!Sub` with a variable on its own is named by the variable.
        let file =
            "P: {Statement: [{Sid: !Sub '${X}'}, {Sid: !Sub ['a${Y}', {}]}, {Sid: !Sub [[x]]}]}\n";
        let root = parse_yaml(file).unwrap();
        let body = template_body(file, root.get("P").unwrap(), false);
        let (_, _, unknowns) = text_of(&body);
        let what: Vec<&str> = unknowns.iter().map(|u| u.what.as_str()).collect();
        assert_eq!(what, ["!Sub variable ${X}", "!Sub variable ${Y}", "!Sub"]);
    }

    #[test]
    fn terraform_escapes_are_literal_text() {
        assert_eq!(sub_variable("a$${b}c", TERRAFORM), None);
        assert_eq!(sub_variable("$$${b}", TERRAFORM), None);
        assert_eq!(sub_variable("$${a}${b}", TERRAFORM), Some("b"));
        assert_eq!(sub_variable("$x${!b}", TERRAFORM), Some("!b"));
        assert_eq!(sub_variable("${!b}${c}", "!Sub"), Some("c"));
        assert_eq!(sub_literal("$${a}%%{b}", Some(TERRAFORM)), "${a}%{b}");
        assert_eq!(sub_literal("${!a}", Some("Fn::Sub")), "${a}");
    }

    #[test]
    fn statements_chosen_by_conditions_give_each_reading() {
        let file = concat!(
            "P:\n  Statement:\n",
            "    - {Sid: A}\n",
            "    - !If [C, {Sid: B}, !Ref AWS::NoValue]\n",
            "    - Fn::If: [D, {Sid: E}, {Sid: F}]\n",
            "    - !If [C, {Sid: G}, {Sid: H}]\n",
        );
        let root = parse_yaml(file).unwrap();
        let readings = statement_choices(root.get("P").unwrap()).unwrap();
        let got: Vec<(String, String)> = readings
            .iter()
            .map(|(when, r)| {
                let sids = r.get("Statement").unwrap().items().iter();
                let sids = sids.map(|s| s.get("Sid").and_then(Node::as_str).unwrap_or("?"));
                (when.clone(), sids.collect::<Vec<_>>().join(""))
            })
            .collect();
        let want = [
            ("if C, if D", "ABEG"),
            ("unless C, if D", "AEH"),
            ("if C, unless D", "ABFG"),
            ("unless C, unless D", "AFH"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(w, s)| ((*w).to_owned(), (*s).to_owned()))
            .collect();
        assert_eq!(got, want);
        // A branch left to deployment, or too many conditions: no readings.
        let file = "P: {Statement: [!If [C, !Ref S, !Ref AWS::NoValue]]}\n";
        assert!(statement_choices(parse_yaml(file).unwrap().get("P").unwrap()).is_none());
        let file = "P: {Statement: [!If [A, {}, {}], !If [B, {}, {}], !If [C, {}, {}], !If [D, {}, {}]]}\n";
        assert!(statement_choices(parse_yaml(file).unwrap().get("P").unwrap()).is_none());
    }

    #[test]
    fn values_chosen_by_conditions_give_each_reading() {
        let file = concat!(
            "P:\n  Statement:\n",
            "    - Action: [a, !If [C, b, !Ref AWS::NoValue]]\n",
            "      Principal: !If [D, '*', {AWS: x}]\n",
            "    - !If [C, {Condition: {StringEquals: {k: !If [D, v, w]}}}, !Ref AWS::NoValue]\n",
        );
        let root = parse_yaml(file).unwrap();
        let readings = statement_choices(root.get("P").unwrap()).unwrap();
        let got: Vec<(String, String)> = readings
            .iter()
            .map(|(when, r)| match generate(r, None, true) {
                Body::Text { text, unknowns, .. } => {
                    assert!(unknowns.is_empty(), "{unknowns:?}");
                    (when.clone(), text)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        let want = [
            (
                "if C, if D",
                r#"{"Statement":[{"Action":["a","b"],"Principal":"*"},{"Condition":{"StringEquals":{"k":"v"}}}]}"#,
            ),
            (
                "unless C, if D",
                r#"{"Statement":[{"Action":["a"],"Principal":"*"}]}"#,
            ),
            (
                "if C, unless D",
                r#"{"Statement":[{"Action":["a","b"],"Principal":{"AWS":"x"}},{"Condition":{"StringEquals":{"k":"w"}}}]}"#,
            ),
            (
                "unless C, unless D",
                r#"{"Statement":[{"Action":["a"],"Principal":{"AWS":"x"}}]}"#,
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(w, t)| ((*w).to_owned(), (*t).to_owned()))
            .collect();
        assert_eq!(got, want);
        // Four conditions: the values stay unknown, and say why.
        let file = "P: {Statement: [{Action: [!If [A, a, b], !If [B, a, b], !If [C, a, b], !If [D, a, b]]}]}\n";
        let p = parse_yaml(file).unwrap();
        let p = p.get("P").unwrap();
        assert!(statement_choices(p).is_none());
        let body = too_many_choices(p, generate(p, None, true));
        let (_, _, unknowns) = text_of(&body);
        assert_eq!(unknowns.len(), 4);
        assert!(
            unknowns[0].what.starts_with("!If (4 conditions"),
            "{unknowns:?}"
        );
    }

    #[test]
    fn the_stand_in_account_is_one_the_policy_does_not_name() {
        let file = "P: {Statement: [{Principal: {AWS: [!Sub 'arn:aws:iam::${AWS::AccountId}:root', '999999999999']}}]}\n";
        let tree = parse_yaml(file).unwrap();
        let body = generate(tree.get("P").unwrap(), None, true);
        let Body::Text { text, pseudo, .. } = &body else {
            panic!("{body:?}");
        };
        let account = pseudo.account.as_deref().unwrap();
        assert_ne!(account, "999999999999");
        assert!(
            text.contains(&format!("arn:aws:iam::{account}:root")),
            "{text}"
        );
    }

    #[test]
    fn the_account_id_is_read_again_as_each_account_the_policy_names() {
        let file = "P: {Statement: [{Principal: {AWS: [!Sub 'arn:aws:iam::${AWS::AccountId}:root', 'arn:aws:iam::111122223333:root', 210987654321, '1234567890123']}, Condition: {StringEquals: {aws:SourceAccount: ['444455556666', '777788889999']}}}]}\n";
        let tree = parse_yaml(file).unwrap();
        let Body::Text { text, pseudo, .. } = generate(tree.get("P").unwrap(), None, true) else {
            panic!();
        };
        let stand_in = pseudo.account.clone().unwrap();
        assert!(
            text.contains(&format!("arn:aws:iam::{stand_in}:root")),
            "{text}"
        );
        // Words of exactly 12 digits, the first three of them; a 13-digit number is none.
        let read: Vec<(&str, Option<&str>)> = pseudo
            .alternatives
            .iter()
            .map(|a| (a.reading.as_str(), a.account.as_deref()))
            .collect();
        assert_eq!(
            read,
            [
                ("AWS::AccountId as 111122223333", Some("111122223333")),
                ("AWS::AccountId as 210987654321", Some("210987654321")),
                ("AWS::AccountId as 444455556666", Some("444455556666")),
            ]
        );
        assert_eq!(pseudo.accounts_not_read, 1);
        assert!(pseudo.alternatives[1]
            .text
            .contains("arn:aws:iam::210987654321:root"));
        // Without `AWS::AccountId`, no reading.
        let file = "P: {Statement: [{Principal: {AWS: 'arn:aws:iam::111122223333:root'}}]}\n";
        let tree = parse_yaml(file).unwrap();
        let Body::Text { pseudo, .. } = generate(tree.get("P").unwrap(), None, true) else {
            panic!();
        };
        assert!(pseudo.alternatives.is_empty());
    }

    #[test]
    fn regions_are_found_inside_the_words_that_hold_them() {
        let file = "P: [vpce-eu-central-1, 'arn:aws:ecr:us-gov-west-1:1:x', us-east, ab-cdef-123, eu-west-1]\n";
        let mut found = Vec::new();
        written_regions(parse_yaml(file).unwrap().get("P").unwrap(), &mut found);
        assert_eq!(found, ["eu-central-1", "us-gov-west-1", "eu-west-1"]);
    }

    #[test]
    fn stand_ins_are_read_again_otherwise() {
        let file = "P: {Statement: [{Sid: !Ref AWS::StackName, Principal: {Service: !Sub 'codebuild.${AWS::URLSuffix}'}, Condition: {StringEquals: {aws:PrincipalTag/r: [!Ref AWS::Region, us-east-1]}}}]}\n";
        let tree = parse_yaml(file).unwrap();
        let Body::Text { text, pseudo, .. } = generate(tree.get("P").unwrap(), None, true) else {
            panic!();
        };
        // us-east-1 is written: the stand-in is another region.
        assert!(text.contains(r#"["eu-west-1","us-east-1"]"#), "{text}");
        assert!(text.contains("codebuild.amazonaws.com\""), "{text}");
        let readings: Vec<&str> = pseudo
            .alternatives
            .iter()
            .map(|a| a.reading.as_str())
            .collect();
        assert_eq!(
            readings,
            [
                "AWS::Region as ap-southeast-2",
                "AWS::Region as us-east-1",
                "AWS::URLSuffix as amazonaws.com.cn (with AWS::Region as cn-north-1)",
                "AWS::StackName as OtherStandInStack"
            ]
        );
        assert!(pseudo.alternatives[1]
            .text
            .contains(r#"["us-east-1","us-east-1"]"#));
        assert!(pseudo.alternatives[2]
            .text
            .contains("codebuild.amazonaws.com.cn"));
    }

    #[test]
    fn a_whole_policy_left_to_deployment() {
        let file = r#"{"P": {"Fn::If": ["C", {}, {}]}}"#;
        let root = parse_json(file).unwrap();
        match template_body(file, root.get("P").unwrap(), true) {
            Body::Unknown(u) => assert_eq!(u.what, "Fn::If"),
            other => panic!("{other:?}"),
        }
    }
}
