//! AWS ECR repository policies in Rust: a typed model, a builder, and the exact JSON ECR takes
//! and hands back.
//!
//! This crate re-exports [`policy_core`]; see its items below.
//!
//! ```
//! use ecr_policy::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName, Version};
//!
//! let policy = RepositoryPolicy::builder()
//!     .version(Version::V2008_10_17)
//!     .account(AccountId::new("123456789012")?)
//!     .statement(
//!         StatementBuilder::allow()
//!             .sid("AllowPushPullFromCICDUser".parse()?)
//!             .user(UserName::new("fcj-ecr-ci-cd-user")?)
//!             .bundle(Bundle::Push)
//!             .bundle(Bundle::Pull),
//!     )
//!     .build()?;
//! assert!(policy.to_json().starts_with(r#"{"Version":"2008-10-17","Statement":[{"Sid":"AllowPushPullFromCICDUser""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `analysis` (default): what a policy grants and whether it is safe: [`lint`], [`access`],
//!   [`compare`], [`summary`], [`assert`](mod@assert) and [`dsl`], on the exact analysis
//!   engine. Includes `eval`.
//! - `eval` (default, through `analysis`): the offline evaluator, [`eval`].
//! - `serde`: Serialize and Deserialize for the value types, each as its text.
//! - `aws` (off): puts policies on repositories and registries with the AWS SDK for Rust and
//!   reports drift (`aws`). Includes `analysis`.
//!
//! With `default-features = false` the crate builds, reads and writes policies (the model,
//! the builder, [`json`], `policy!`), and a clean build compiles less (the README's
//! "Features" gives the figures). `policy!` judges a literal policy by what it grants in every
//! configuration: the compile-time analysis belongs to the macro, not to a feature.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use policy_core::*;

#[doc(hidden)]
pub mod __private {
    //! What the expansion of `policy!` names, flat, whatever the public module of each item.
    pub use policy_core::builder::{IdentityResource, Registry, Repositories};
    pub use policy_core::catalogue::PublicAction;
    pub use policy_core::catalogue::{ActionPattern, ConditionOperator, Operator, SetQualifier};
    pub use policy_core::model::{
        ActionItem, AwsPrincipal, Condition, ConditionKey, ConditionValue, Principal,
    };
    pub use policy_core::model::{IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
    pub use policy_core::names::{
        AccountId, IamPath, OrgId, Partition, PolicyId, RoleName, ServiceName, SessionName, Sid,
        UserName,
    };
    pub use policy_core::names::{Region, RepositoryName};
    pub use policy_core::slot;
    pub use policy_core::{Action, Bundle, RepositoryPolicy, StatementBuilder, Version};
    pub use policy_macros::policy_impl;
}

/// A repository policy written as a sentence, checked when your code compiles.
///
/// ```
/// use ecr_policy::{policy, AccountId};
///
/// let template = policy! { allow user "fcj-ecr-ci-cd-user" push, pull on repo };
/// let policy = template.bind(AccountId::new("123456789012")?);
/// assert!(policy.to_json().contains(r#""AWS":"arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user""#));
/// # Ok::<(), ecr_policy::RuleViolation>(())
/// ```
///
/// The macro expands into calls of the [builder](RepositoryPolicy::builder): the same policy
/// written either way is equal. Every literal is checked at compile time by the rules the
/// runtime constructors use ([`AccountId::new`], [`UserName::new`], ...), and every mistake is a
/// compile error on the offending token, with a suggestion for misspelt words:
///
/// ```text
/// error: unknown action or bundle `psh`: expected a bundle (pull, push, read, delete, tag,
///        policy, lifecycle, scan, all) or an ECR action name such as PutImage
///        help: did you mean `push`?
///  --> src/main.rs:4:55
///   |
/// 4 |     let _ = policy! { allow user "fcj-ecr-ci-cd-user" psh, pull on repo };
///   |                                                       ^^^
/// ```
///
/// # Grammar
///
/// ```text
/// policy     := header* statement (';' statement)* ';'?
/// header     := 'version' value ';'         "2012-10-17" (the default) or "2008-10-17"
///             | 'id' value ';'              the policy Id
///             | 'account' value ';'         the policy's account, for users, roles and sessions
///                                           named without one; a registry's account
///             | 'region' value ';'          a registry's Region (registry and identity policies)
/// statement  := ('sid' value)? mark* ('allow' | 'deny') principals actions target conditions*
///             | ('sid' value)? ('allow' | 'deny') actions resources conditions*
///                                                      an identity policy: no principal
///             | {expr}                                 a StatementBuilder (e.g. of statement!)
///             | '..' {expr}                            statements: an iterator of them, a
///                                                      PolicyTemplate or a RepositoryPolicy
/// target     := 'on' 'repo'                            a repository policy
///             | 'on' 'public' 'repo'                   an ECR Public repository policy
///             | 'on' 'registry' (repos (',' repos)*)?  a registry policy: every repository of
///                                                      the registry, or those named
/// resources  := 'on' resource (',' resource)*
/// resource   := repos | '"*"'                          "*": every resource
///             | 'arn' "arn:..."                        another resource by its ARN
/// repos      := 'repo' value                           one repository, "team/app"
///             | 'repos' value                          a pattern of names, "prod-*"
/// mark       := 'public' | 'external' | 'any_source' | 'lockout'   what the statement means
///                                                      to grant; see "Judged at compile time"
/// principals := principal (',' principal)*
///             | 'anyone' 'except' principal (',' principal)*      deny only; see below
/// principal  := 'user' value ('in' 'account' value)?   "name" or "path/name"
///             | 'role' value ('in' 'account' value)?   "name" or "path/name"
///             | 'session' value value ('in' 'account' value)?   role, session name
///             | 'account' value                        the account's root
///             | 'service' value                        "codebuild.amazonaws.com"
///             | 'anyone'                               "*"
///             | 'org' value                            "*" with StringEquals aws:PrincipalOrgID
///             | 'arn' value                            an account id or a principal ARN
/// actions    := 'except'? action (',' action)*          except: NotAction
/// action     := pull | push | read | delete | tag | policy | lifecycle | scan | all   (bundles)
///             | PutImage | ecr:PutImage                a catalogue action, in any letter case
///             | ecr:* | ecr:Batch* | ecr:Get*Policy    a pattern
///             | "ecr:PutImage" | "ecr:Describe*"      a string
///             | {expr}                                 an ActionItem
/// conditions := 'when' cond ('and' cond)*               all must hold
///             | 'unless' cond ('or' cond)*             the statement applies unless one holds
/// cond       := 'source_account' values                StringEquals aws:SourceAccount
///             | 'source_arn' values                    ArnLike aws:SourceArn
///             | 'org' values                           StringEquals aws:PrincipalOrgID
///             | 'principal_arn' values                 ArnLike aws:PrincipalArn
///             | 'source_ip' values                     IpAddress aws:SourceIp
///             | 'principal_tag' "key" '=' values       StringEquals aws:PrincipalTag/key
///             | 'secure_transport'                     Bool aws:SecureTransport true
///             | OPERATOR "key" values                  any operator, e.g. StringLike,
///                                                      ForAnyValue:StringLike, NumericLessThan
/// values     := value | '[' value (',' value)* ']'     several values: any may match
/// value      := "literal" | {expr}                     (conditions also take true, false, 42)
/// ```
///
/// In a principal or a condition value, `{expr}` is one value of the slot's type or any
/// iterator of them ([`slot::IntoSlot`](crate::slot::IntoSlot)). A list may be empty, and a
/// spliced statement is only known at run time, so a policy with either is a
/// `Result<_, BuildError>` checked when built: an empty list of principals is
/// [`BuildError::MissingPrincipal`] naming the statement, never a dropped statement. A policy
/// with a splice and no `account` header is a [`PolicyTemplate`]. See [`statement!`] for
/// policies from data.
///
/// After `unless`, a plain-word condition takes its negated operator (`StringNotEquals`,
/// `ArnNotLike`, `NotIpAddress`, `Bool false`).
///
/// `deny anyone except ...` denies everyone but the principals named. It is written as
/// `"Principal": "*"` with conditions that spare them, the form AWS recommends, not as
/// `NotPrincipal`: a `NotPrincipal` deny also denies a role's sessions unless the account and
/// every session ARN are listed, takes no wildcards, and denies any principal with a
/// permissions boundary
/// ([NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)).
/// Users, roles and ARNs are spared by `ArnNotLike` on `aws:PrincipalArn`, which holds the
/// role's ARN for each of its sessions (so a role spares all its sessions, and a single session
/// cannot be excepted); accounts, with everyone in them, by `StringNotEquals` on
/// `aws:PrincipalAccount`; services by `StringNotEquals` on `aws:PrincipalServiceName`
/// ([condition keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)).
/// The builder does the same with [`StatementBuilder::spare`]. `allow anyone except` is
/// refused: AWS does not support `NotPrincipal` with `Allow`.
///
/// # Policy kinds
///
/// What the statements are `on` decides the kind of the policy, and all statements of a policy
/// are of one kind. `on repo` writes a private repository policy, as above. The other kinds:
///
/// - `on registry`: the **registry policy** of a private registry
///   ([`RegistryPolicy`](model::RegistryPolicy), set with `PutRegistryPolicy`), for
///   cross-account replication and pull through cache. Its statements name principals and a
///   `Resource` of repositories of the registry, so the policy needs the `account` and `region`
///   headers: `on registry` is `arn:aws:ecr:REGION:ACCOUNT:repository/*`, `on registry repos
///   "ecr-public/*"` a prefix, `on registry repo "team/app"` one repository. Its actions are
///   `ecr:` actions on repositories; AWS documents `ecr:ReplicateImage`,
///   `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` for it, the only ones a registry
///   of policy scope V1 enforces
///   ([registry permissions](https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html)).
/// - `on public repo`: the repository policy of an **ECR Public** repository
///   ([`PublicRepositoryPolicy`](model::PublicRepositoryPolicy)). Its actions are `ecr-public:`
///   ones: names (`PutImage`), `ecr-public:Name`, patterns, and the bundles whose actions all have
///   an ECR Public namesake (`push`); `pull` has none, since pulling from a public repository is
///   open to everyone and no policy grants or denies it. Statements are written with
///   `"Resource": "*"`, as in AWS's current examples
///   ([ECR Public repository policies](https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html)).
///   Users, roles and sessions of the policy's account need the `account` header.
/// - `on repo "name"`, `on repos "prefix*"`, `on "*"`: an **identity policy**
///   ([`IdentityPolicy`](model::IdentityPolicy)), attached to a user, group or role, so its
///   statements name no principal. `repo` and `repos` name repositories of the registry of the
///   `account` and `region` headers, `arn "..."` any other resource (an ECR Public
///   repository, `arn:aws:ecr-public::ACCOUNT:repository/NAME`); actions of other services are
///   written as strings (`"sts:GetServiceBearerToken"`, which ECR Public's push needs); actions
///   without a repository resource, such as `GetAuthorizationToken`, are granted only `on "*"`
///   ([ECR and IAM](https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_service-with-iam.html)).
///
/// ```
/// use ecr_policy::policy;
///
/// let registry = policy! {
///     account "123456789012";
///     region "us-west-2";
///     sid "ReplicationAccessCrossAccount" allow account "210987654321" CreateRepository, ReplicateImage on registry;
///     sid "PullThroughCache" allow user "ecr-pull-through-cache-user" CreateRepository, BatchImportUpstreamImage
///         on registry repos "ecr-public/*"
/// };
/// assert!(registry.to_json().contains(r#""Resource":["arn:aws:ecr:us-west-2:123456789012:repository/ecr-public/*"]"#));
///
/// let public = policy! { sid "AllowPush" allow account "111122223333" push on public repo };
/// assert!(public.to_json().contains(r#""ecr-public:PutImage""#));
///
/// let identity = policy! {
///     account "123456789012";
///     region "us-east-1";
///     allow GetAuthorizationToken on "*";
///     allow push, pull on repo "app", repos "team/*"
/// };
/// assert!(identity.to_json().contains(r#""Resource":["arn:aws:ecr:us-east-1:123456789012:repository/app","arn:aws:ecr:us-east-1:123456789012:repository/team/*"]"#));
/// ```
///
/// Each kind has its builder (`RegistryPolicy::builder`, `PublicRepositoryPolicy::builder`,
/// `IdentityPolicy::builder`, see [`builder`]), which the macro expands into. The kind's rules
/// are checked at compile time, each mistake on its token: an action the kind cannot hold
/// (`ecr:PutImage` in an ECR Public policy, `ecr-public:` actions in a registry policy,
/// `GetAuthorizationToken` on a repository), a missing `account` or `region` header, a `region`
/// in a repository policy, a principal in an identity policy, statements of two kinds. An
/// action given as `{expr}` is checked by the kind's rules when the policy is built, so the
/// policy is then a `Result`. `statement!` and splices are for repository policies.
///
/// # The value
///
/// A [`RepositoryPolicy`], or a [`PolicyTemplate`] when a user, role or session is in "the
/// policy's account" and no `account` header gives it: the template has no JSON until
/// [`bind`](PolicyTemplate::bind) gives it the account.
///
/// # Interpolation
///
/// Every literal slot but the tag key of `principal_tag` takes `{expr}`, an expression of the core type of that slot, already
/// validated by its constructor: a wrong type is a compile error on the expression.
///
/// | slot | type |
/// | --- | --- |
/// | `version` | [`Version`] |
/// | `id` | [`PolicyId`] |
/// | `account`, `in account`, principal `account`, `source_account` | [`AccountId`] |
/// | `sid` | [`Sid`] |
/// | `user` | [`UserName`] (no path) |
/// | `role`, the role of `session` | [`RoleName`] (no path) |
/// | the session of `session` | [`SessionName`] |
/// | `service` | [`ServiceName`] |
/// | `org` (principal and condition) | [`OrgId`] |
/// | `arn` | [`AwsPrincipal`](model::AwsPrincipal) |
/// | an action | [`ActionItem`](model::ActionItem) |
/// | the key of the general condition form | [`ConditionKey`](model::ConditionKey) |
/// | `region` | [`Region`](names::Region) |
/// | `repo` | [`RepositoryName`] |
/// | `repos` | [`Repositories`](builder::Repositories) |
/// | other condition values | [`ConditionValue`](model::ConditionValue) |
///
/// ```
/// use ecr_policy::{policy, AccountId, RoleName};
///
/// let consumer = AccountId::new("210987654321")?;
/// let role = RoleName::new("deployer")?;
/// let policy = policy! {
///     allow account {consumer.clone()}, role {role} in account {consumer} pull on repo
/// };
/// assert!(policy.to_json().contains("arn:aws:iam::210987654321:role/deployer"));
/// # Ok::<(), ecr_policy::RuleViolation>(())
/// ```
///
/// ```compile_fail
/// // A &str is not an AccountId: validate it first with AccountId::new.
/// let policy = ecr_policy::policy! { account {"123456789012"}; allow user "ci" pull on repo };
/// ```
///
/// # What is rejected at compile time
///
/// Unknown actions, bundles, keywords, principal kinds, condition words, operators and
/// condition keys (with the nearest valid word); actions a repository policy cannot grant
/// (`GetAuthorizationToken`, actions without a repository resource, `ecr-public:` actions,
/// other services' actions, patterns that match no ECR action); malformed account ids,
/// user, role, session and service names, organization ids, principal ARNs, IP ranges and
/// versions; a user or role name that is an ARN (write `arn "..."`); a statement without
/// principal or actions, or without `on repo`; `allow anyone except`; an operator that does not
/// fit its key's type (`ArnLike` on `aws:SourceAccount`); a value that does not fit its
/// operator or key (a non-number for `Numeric...`, a non-date for `Date...`, text that is
/// neither an ARN nor an ARN pattern for `aws:SourceArn` or `aws:PrincipalArn`); the same operator and
/// key tested twice in a statement; `anyone` or `org` next to other principals; a fully
/// literal policy whose JSON exceeds ECR's 10,240 characters; in a fully literal policy, public
/// access, another account's policy management, a service without a source condition and a
/// lock-out, unless the statement is marked (see below); anything left over after a statement. All errors of one invocation are reported together, and the macro still
/// yields a value of its type, so no further errors follow from them.
///
/// # Judged at compile time
///
/// A fully literal policy is also judged by what it grants, with the analysis engine the lint
/// uses ([`lint`]): each finding the lint rates a security-warning, and a lock-out, is a
/// compile error on the statement, with the lint's code, message and hint, unless the
/// statement says with a mark before its effect that it is meant:
///
/// | mark | the finding it answers |
/// | --- | --- |
/// | `public` | `public-access`: anyone with AWS credentials can call an action, also behind conditions that narrow nothing (`StringLike "aws:PrincipalArn" "*"`, `source_ip "0.0.0.0/0"`, a tag) |
/// | `external` | `external-permissions-management`: another account can manage the repository's policy, or is granted through `except` actions (`NotAction`) |
/// | `any_source` | `service-principal-without-source`: a service principal can act for resources of any account (the confused deputy) |
/// | `lockout` | `locks-out-policy-changes`: no identity of the owning account could change the policy again (ECR then needs `force`) |
///
/// ```
/// let policy = ecr_policy::policy! {
///     sid "PublicPull" public allow anyone pull on repo;
///     any_source allow service "codebuild.amazonaws.com" pull on repo
/// };
/// // The marks are for the reader and the compiler: the policy's JSON has no trace of them,
/// // and its lint still reports what they mean.
/// assert!(!policy.to_json().contains("public"));
/// # #[cfg(feature = "analysis")]
/// assert_eq!(policy.lint()[0].code.as_str(), "public-access");
/// ```
///
/// ```compile_fail
/// // security-warning[public-access]: anyone with AWS credentials ... can call ecr:BatchGetImage ...
/// // help: if anyone is meant to have this access, write `public` before `allow`
/// let policy = ecr_policy::policy! { allow anyone pull on repo };
/// ```
///
/// The policy's account (the `account` header, or the account a template is bound to) is taken
/// as the repository's owner, so grants to other accounts are judged when the policy has one.
/// `allow-with-not-principal` has no mark: the grammar cannot write it (`allow anyone except`
/// is refused). Only fully literal policies are judged: one with a spliced statement or any
/// `{expr}` but a Sid is known at run time, where [`lint`] judges it, and so is a
/// [`statement!`], whose policy is not known yet. A mark where the analysis finds nothing is
/// accepted: it is the writer's word.
///
/// Duplicates: a Sid used twice, the same principal twice in a statement, or the same
/// action, bundle or pattern twice in a statement is an error marked at both places.
/// Overlaps through bundles (`push` and `pull` both hold `BatchCheckLayerAvailability`) are
/// merged silently: each action is written once. Interpolated values cannot be compared at
/// compile time: duplicate principals among them are written once (the builder drops them),
/// and Sids given as `{expr}` are not checked for uniqueness.
///
/// ```compile_fail
/// // `psh` is not a bundle: did you mean `push`?
/// let policy = ecr_policy::policy! { allow user "fcj-ecr-ci-cd-user" psh, pull on repo };
/// ```
///
/// ```compile_fail
/// // A repository policy cannot grant GetAuthorizationToken: grant it in an identity policy.
/// let policy = ecr_policy::policy! { allow user "ci" GetAuthorizationToken on repo };
/// ```
///
/// # Every form
///
/// Headers, a Sid, and a user of the policy's account: the seed policy.
///
/// ```
/// let policy = ecr_policy::policy! {
///     version "2008-10-17";
///     id "ci-cd-access";
///     account "123456789012";
///     sid "AllowPushPullFromCICDUser" allow user "fcj-ecr-ci-cd-user" push, pull on repo
/// };
/// assert!(policy.to_json().starts_with(r#"{"Version":"2008-10-17","Id":"ci-cd-access","Statement":[{"Sid":"AllowPushPullFromCICDUser""#));
/// ```
///
/// Users and roles with a path, in the policy's account or another one; sessions.
///
/// ```
/// let policy = ecr_policy::policy! {
///     account "123456789012";
///     allow user "ci/deploy/builder", role "deployer" in account "210987654321",
///         session "terraform-ci" "ci-session"
///     push on repo
/// };
/// let json = policy.to_json();
/// assert!(json.contains("arn:aws:iam::123456789012:user/ci/deploy/builder"));
/// assert!(json.contains("arn:aws:iam::210987654321:role/deployer"));
/// assert!(json.contains("arn:aws:sts::123456789012:assumed-role/terraform-ci/ci-session"));
/// ```
///
/// Accounts, services, anyone, organizations and ARNs (a service without a source condition is
/// marked `any_source`, public access `public`: see "Judged at compile time").
///
/// ```
/// let policy = ecr_policy::policy! {
///     any_source allow account "210987654321", service "lambda.amazonaws.com",
///         arn "arn:aws:iam::444455556666:role/reader"
///     pull on repo;
///     public allow anyone DescribeImages on repo;
///     allow org "o-a1b2c3d4e5" pull on repo
/// };
/// let json = policy.to_json();
/// assert!(json.contains(r#""AWS":["arn:aws:iam::210987654321:root","arn:aws:iam::444455556666:role/reader"],"Service":"lambda.amazonaws.com""#));
/// assert!(json.contains(r#""Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#));
/// ```
///
/// `anyone except` (`"Principal": "*"` with a condition on `aws:PrincipalArn`) and `except`
/// actions (`NotAction`; granted to another account, it is marked `external`).
///
/// ```
/// let policy = ecr_policy::policy! {
///     account "123456789012";
///     deny anyone except role "platform-admin" policy on repo;
///     external allow account "210987654321" except delete on repo
/// };
/// let json = policy.to_json();
/// assert!(json.contains(r#""Principal":"*""#));
/// assert!(json.contains(r#""ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/platform-admin"}"#));
/// assert!(json.contains(r#""NotAction":["ecr:BatchDeleteImage","ecr:DeleteRepository"]"#));
/// ```
///
/// Actions: bundles, names, prefixed names, patterns and strings.
///
/// ```
/// let policy = ecr_policy::policy! {
///     allow account "210987654321"
///         pull, ListImages, ecr:DescribeImages, ecr:Batch*, "ecr:GetRepositoryPolicy", "ecr:Describe*"
///     on repo
/// };
/// // Catalogue actions in canonical order, then patterns; each action once.
/// assert!(policy.to_json().contains(r#""Action":["ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","ecr:BatchCheckLayerAvailability","ecr:DescribeImages","ecr:GetRepositoryPolicy","ecr:ListImages","ecr:Batch*","ecr:Describe*"]"#));
/// ```
///
/// Plain-word conditions, with `when` and `unless`.
///
/// ```
/// let policy = ecr_policy::policy! {
///     allow service "codebuild.amazonaws.com" pull on repo
///         when source_account "123456789012"
///         and source_arn "arn:aws:codebuild:us-east-1:123456789012:project/*";
///     allow account "210987654321" push on repo
///         when principal_arn "arn:aws:iam::210987654321:role/ci-*"
///         and principal_tag "team" = ["platform", "sre"]
///         and secure_transport;
///     deny anyone ecr:* on repo
///         unless source_ip ["203.0.113.0/24", "2001:db8::/32"] or org "o-a1b2c3d4e5"
/// };
/// let json = policy.to_json();
/// assert!(json.contains(r#""ArnLike":{"aws:SourceArn":"arn:aws:codebuild:us-east-1:123456789012:project/*"}"#));
/// assert!(json.contains(r#""NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}"#));
/// assert!(json.contains(r#""StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}"#));
/// ```
///
/// The general form: any operator, key and values.
///
/// ```
/// let policy = ecr_policy::policy! {
///     allow anyone pull on repo
///         when ForAnyValue:StringLike "aws:PrincipalOrgPaths" "o-a1b2c3d4e5/r-ab12/*"
///         and NumericLessThan "aws:MultiFactorAuthAge" 3600
///         and Bool "aws:SecureTransport" true
/// };
/// let json = policy.to_json();
/// assert!(json.contains(r#""ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/*"}"#));
/// assert!(json.contains(r#""NumericLessThan":{"aws:MultiFactorAuthAge":3600}"#));
/// ```
#[macro_export]
macro_rules! policy {
    ($($tokens:tt)*) => {
        $crate::__private::policy_impl! { ($crate) $($tokens)* }
    };
}

/// One statement of [`policy!`], as a [`StatementBuilder`]: written once, added to the builder
/// or spliced into several policies.
///
/// The grammar is that of one statement of `policy!`, checked the same way at compile time, and
/// the lists of `policy!` work here too.
///
/// # Policies from data
///
/// Real policies are built from data: the consumer accounts come from configuration, the CI roles
/// from an inventory, and the same guard statement goes into every repository. Every list slot of
/// `policy!` takes `{expr}`, one value or any iterator of values of the slot's type; statements are
/// written once with `statement!` and spliced in; and policies merge. Literal parts are still checked
/// at compile time, and data by its types.
///
/// ## The list
///
/// A `{expr}` in a principal slot (`account`, `user`, `role`, `session`, `service`, `arn`, `org`) or
/// a condition value takes one value or a list. Since a list may be empty, and a statement without
/// principal cannot be sent to ECR, a policy with a list is a `Result`: an empty list is an error
/// naming the statement, never a statement dropped without a word. The principals after `deny
/// anyone except` take lists too (`user`, `role`, `account`, `service`); there an empty list is
/// `BuildError::NothingSpared` when nothing else is spared, since sparing no one would deny everyone,
/// the administrators included.
///
/// ```
/// use ecr_policy::{policy, AccountId, BuildError};
///
/// // Read at run time, checked once on the way in.
/// let config = "111122223333,444455556666,777788889999";
/// let partners = config.split(',').map(AccountId::new).collect::<Result<Vec<_>, _>>()?;
/// let policy = policy! { sid "PartnersPull" allow account {partners} pull on repo }?;
/// assert_eq!(policy.statements().len(), 1);
///
/// let nobody: Vec<AccountId> = Vec::new();
/// let err = policy! { sid "PartnersPull" allow account {nobody} pull on repo }.unwrap_err();
/// assert_eq!(err, BuildError::MissingPrincipal { statement: 0, sid: Some("PartnersPull".into()) });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ## The loop
///
/// The builder keeps its type through a loop, whether or not the policy's account is known yet;
/// without it, `build()` gives a `PolicyTemplate`, which has no JSON until `bind`. Statements also
/// come from an iterator (`.statements(iter)`, an `Option` included) or a condition
/// (`.statement_if(cond, || ...)`).
///
/// ```
/// use ecr_policy::{AccountId, Bundle, RepositoryPolicy, RoleName, StatementBuilder};
///
/// let teams = [("payments", true), ("search", false)];
/// let mut builder = RepositoryPolicy::builder();
/// for (team, pushes) in teams {
///     let role = RoleName::new(format!("{team}-ci"))?;
///     builder = builder
///         .statement(StatementBuilder::allow().role(role.clone()).bundle(Bundle::Pull))
///         .statement_if(pushes, || StatementBuilder::allow().role(role).bundle(Bundle::Push));
/// }
/// let template = builder.build()?;
/// let policy = template.bind(AccountId::new("123456789012")?);
/// assert_eq!(policy.statements().len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ## The splice
///
/// `statement!` takes one statement of the `policy!` grammar and yields a `StatementBuilder`;
/// `{stmt}` splices one into a policy, `..{list}` any number (an iterator of statements, a
/// `PolicyTemplate` or a `RepositoryPolicy`). A statement naming a user or role of "the policy's
/// account" gets the account of the policy it lands in.
///
/// ```
/// use ecr_policy::{policy, statement};
///
/// let deny_outside_vpc = statement! {
///     sid "DenyPushOutsideVpc" deny anyone push on repo
///         when StringNotEquals "aws:SourceVpc" "vpc-1a2b3c4d"
/// };
/// let app = policy! { account "123456789012"; allow role "app-ci" push, pull on repo; {deny_outside_vpc.clone()} }?;
/// let web = policy! { account "123456789012"; allow role "web-ci" push, pull on repo; {deny_outside_vpc.clone()} }?;
/// let batch = policy! { account "123456789012"; allow role "batch-ci" pull on repo; {deny_outside_vpc} }?;
/// for policy in [&app, &web, &batch] {
///     assert!(policy.to_json().contains(r#""Sid":"DenyPushOutsideVpc""#));
/// }
/// # Ok::<(), ecr_policy::BuildError>(())
/// ```
///
/// ## The merge
///
/// Two templates (or policies) merge in one `policy!` by splicing both, or with `merge`; a Sid found
/// in both is an error naming the two statements. `merge_with(.., Combine::Principals)` joins
/// statements that differ only in their principals (`Combine::Actions`: only in their actions).
///
/// ```
/// use ecr_policy::builder::Combine;
/// use ecr_policy::{policy, AccountId, BuildError};
///
/// let ci = policy! { sid "Push" allow role "ci" push on repo };
/// let readers = policy! { sid "Pull" allow role "app" pull on repo };
/// let policy = policy! { account "123456789012"; ..{ci.clone()}; ..{readers.clone()} }?;
/// assert_eq!(policy, ci.clone().merge(readers)?.bind(AccountId::new("123456789012")?));
///
/// let twice = policy! { ..{ci.clone()}; ..{ci.clone()} }.unwrap_err();
/// assert_eq!(twice, BuildError::DuplicateSid { sid: "Push".into(), first: 0, second: 1 });
///
/// let more_ci = policy! { sid "Push" allow role "release" push on repo };
/// let joined = ci.merge_with(more_ci, Combine::Principals)?;
/// assert_eq!(joined.bind(AccountId::new("123456789012")?).statements().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
#[macro_export]
macro_rules! statement {
    ($($tokens:tt)*) => {
        $crate::__private::policy_impl! { ($crate) @statement $($tokens)* }
    };
}

#[cfg(feature = "aws")]
pub mod aws;
