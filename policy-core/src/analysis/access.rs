//! Who can do what on a repository: the exact analysis of `policy_analysis`, on this crate's
//! model, with every grant's witness turned into a [`Request`] and confirmed by
//! [`Evaluator::decide`].
//!
//! A grant is [`Certainty::Certain`] only when the engine found it on its exact model **and**
//! the evaluator allows the counterexample request; otherwise it is `Possible` (see the
//! `policy_analysis` crate docs for what stays outside the model; an anonymous caller has no
//! request form in the evaluator, so grants to it are `Possible` too).
//!
//! ```
//! use policy_core::access::{AccessAnalysis, AnalysisOptions};
//! use policy_core::{Action, PolicyDocument};
//!
//! // "Only our organization", with a wildcard that narrows nothing.
//! let policy = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",
//!     "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}}]}"#)?;
//! let analysis = AccessAnalysis::new(&policy, &AnalysisOptions::default());
//! let outside = analysis.grants_outside_trusted_accounts();
//! let first = outside.iter().find(|g| g.actions.contains(&Action::BatchGetImage)).unwrap();
//! assert!(first.grant.is_certain());
//! let request = first.grant.request.as_ref().unwrap();
//! assert!(request.context_values("aws:PrincipalOrgID").unwrap()[0].starts_with("o-"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::OnceCell;

use policy_analysis::ir;
pub use policy_analysis::{
    AccountClass, Assumption, CallerClass, Certainty, Identity, Name, Route, Witness,
};
use policy_analysis::{Analyzer, IdentityPolicies, Options, Verdict};

use crate::eval::{Caller, Evaluator, Outcome, Request};
use policy_catalogue::{Action, ActionPattern};

use crate::model::action::ActionItem;
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::names::{
    AccountId, IamPath, Partition, Region, RepositoryName, RoleName, ServiceName, SessionName,
    UserName,
};
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::{ActionElement, ResourceElement, Statement};
use crate::model::version::{Effect, Version};

/// What the callers' identity policies are taken to allow.
#[derive(Clone, Debug, Default)]
pub enum IdentityAssumption {
    /// Not known: another account's identity policies allow everything (that account controls
    /// them), the owning account's allow nothing: access comes from the repository policy.
    #[default]
    Unknown,
    /// Every IAM caller's identity policy allows everything: who could act at all (the
    /// question behind a lock-out).
    AllowAll,
    /// This identity policy applies to every IAM user and role session.
    Policy(PolicyDocument),
}

/// The repository and the accounts the analysis is about.
#[derive(Clone, Debug, Default)]
pub struct AnalysisOptions {
    /// The repository; its account is the owner, its region `aws:RequestedRegion`. Without it
    /// the owner is an account the policy does not name.
    pub repository: Option<RepositoryArn>,
    /// Accounts trusted besides the owner.
    pub trusted: Vec<AccountId>,
    /// The identity policies.
    pub identity: IdentityAssumption,
}

/// A grant with its counterexample.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmedGrant {
    /// The rule of AWS's evaluation it follows.
    pub route: Route,
    /// Positions of the repository policy's allowing statements.
    pub statements: Vec<usize>,
    /// Position of the identity policy's allowing statement, when one was needed.
    pub identity_statement: Option<usize>,
    /// `Certain` only when the engine found it exactly and the evaluator allows `request`.
    pub certainty: Certainty,
    /// What the engine found: the caller and the context keys.
    pub witness: Witness,
    /// The witness as a request for the first action (`None` for an anonymous caller, which
    /// has no request form).
    pub request: Option<Request>,
}

impl ConfirmedGrant {
    /// Whether the grant is certain.
    #[must_use]
    pub fn is_certain(&self) -> bool {
        self.certainty == Certainty::Certain
    }
}

/// The access of one caller class to some actions.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassAccess {
    /// The class.
    pub class: CallerClass,
    /// The actions, in catalogue order.
    pub actions: Vec<Action>,
    /// How, with a request that proves it.
    pub grant: ConfirmedGrant,
}

/// A repository policy read for analysis.
#[derive(Debug)]
pub struct AccessAnalysis {
    analyzer: Analyzer,
    repository: RepositoryArn,
    /// Whether the repository was given (else its region follows the witness).
    repository_given: bool,
    /// Whether IAM callers' identity policies are given or taken to allow everything (else
    /// only other accounts' are, as [`IdentityAssumption::Unknown`] says).
    identity_given: bool,
    /// Confirms grants that rest on the repository policy alone (the owning account).
    own: Evaluator<'static>,
    /// Confirms grants that need an identity policy.
    with_identity: Evaluator<'static>,
}

impl AccessAnalysis {
    /// Reads the policy (any [`PolicyDocument`], e.g. a [`RepositoryPolicy`](crate::RepositoryPolicy)).
    #[must_use]
    pub fn new(policy: impl AsRef<PolicyDocument>, options: &AnalysisOptions) -> Self {
        Self::with_names_of(policy.as_ref(), options, &[])
    }

    /// Two policies read over the same caller classes, to compare them with
    /// [`differences`](Self::differences).
    ///
    /// ```
    /// use policy_core::access::{AccessAnalysis, AnalysisOptions};
    /// use policy_core::PolicyDocument;
    ///
    /// let old = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
    ///   {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}]}"#)?;
    /// let new = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
    ///   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}"#)?;
    /// let (old, new) = AccessAnalysis::pair(&old, &new, &AnalysisOptions::default());
    /// assert!(old.differences(&new).is_empty());
    /// let added = new.differences(&old);
    /// assert!(added.iter().all(|a| a.actions == [policy_core::Action::PutImage] && a.grant.is_certain()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn pair(
        a: &PolicyDocument,
        b: &PolicyDocument,
        options: &AnalysisOptions,
    ) -> (AccessAnalysis, AccessAnalysis) {
        (
            Self::with_names_of(a, options, &[b]),
            Self::with_names_of(b, options, &[a]),
        )
    }

    /// Like [`pair`](Self::pair), with the owning account given apart from a repository
    /// (`None`: one neither policy names), the region left open.
    pub(crate) fn pair_with_owner(
        a: &PolicyDocument,
        b: &PolicyDocument,
        options: &AnalysisOptions,
        owner: Option<AccountId>,
    ) -> (AccessAnalysis, AccessAnalysis) {
        (
            Self::with_owner(a, options, owner.clone(), &[b]),
            Self::with_owner(b, options, owner, &[a]),
        )
    }

    /// The analysis with the caller classes of `others` too (their principals split the
    /// classes), as [`pair`](Self::pair) reads each policy.
    pub(crate) fn with_names_of(
        document: &PolicyDocument,
        options: &AnalysisOptions,
        others: &[&PolicyDocument],
    ) -> Self {
        let owner = options.repository.as_ref().map(|r| r.account().clone());
        Self::with_owner(document, options, owner, others)
    }

    /// The analysis with the owning account given apart from the repository (whose region
    /// then stays open); `options.repository`, when given, decides both.
    fn with_owner(
        document: &PolicyDocument,
        options: &AnalysisOptions,
        owner: Option<AccountId>,
        others: &[&PolicyDocument],
    ) -> Self {
        let analyzer = engine(document, options, owner.as_ref(), others);
        let repository = analysed_repository(options.repository.as_ref(), analyzer.owner());
        let own = Evaluator::new(document.clone());
        let with_identity = match &options.identity {
            IdentityAssumption::Policy(p) => own.clone().with_identity_policy(p.clone()),
            _ => own.clone().with_identity_policy(allow_all()),
        };
        AccessAnalysis {
            analyzer,
            repository,
            repository_given: options.repository.is_some(),
            identity_given: !matches!(options.identity, IdentityAssumption::Unknown),
            own,
            with_identity,
        }
    }

    /// Whether a grant of this route to this class is decided with the callers' identity
    /// policy (given, or allowing everything) rather than with none.
    pub(crate) fn uses_identity(&self, class: &CallerClass, route: Route) -> bool {
        matches!(route, Route::CrossAccount | Route::IdentityPolicy)
            || (self.identity_given
                && matches!(
                    class,
                    CallerClass::User { .. } | CallerClass::Session { .. }
                ))
    }

    fn evaluator(&self, with_identity: bool) -> &Evaluator<'static> {
        if with_identity {
            &self.with_identity
        } else {
            &self.own
        }
    }

    /// The repository the requests are made on.
    #[must_use]
    pub fn repository(&self) -> &RepositoryArn {
        &self.repository
    }

    /// The caller classes (see [`policy_analysis::Analyzer::classes`]).
    #[must_use]
    pub fn classes(&self) -> &[CallerClass] {
        self.analyzer.classes()
    }

    /// Whether a class can perform an action, with a confirmed counterexample; `None` when no
    /// request of the class is allowed.
    #[must_use]
    pub fn decide(&self, class: &CallerClass, action: Action) -> Option<ConfirmedGrant> {
        match self.analyzer.decide(class, action) {
            Verdict::Allowed(g) => Some(self.confirm(g, action)),
            Verdict::Denied => None,
        }
    }

    /// Every class's access, grouped by class and by how it is granted.
    #[must_use]
    pub fn access(&self) -> Vec<ClassAccess> {
        self.analyzer
            .access()
            .into_iter()
            .map(|a| {
                let actions: Vec<Action> = a.actions.iter().collect();
                let grant = self.confirm(a.grant, actions[0]);
                ClassAccess {
                    class: a.class,
                    actions,
                    grant,
                }
            })
            .collect()
    }

    /// The access of callers outside the trusted accounts (the owner's and
    /// [`AnalysisOptions::trusted`]): other accounts, service principals and anonymous callers.
    #[must_use]
    pub fn grants_outside_trusted_accounts(&self) -> Vec<ClassAccess> {
        self.access()
            .into_iter()
            .filter(|a| !a.class.is_trusted())
            .collect()
    }

    /// Every class and group of actions where this policy allows a request that `other`
    /// does not (both from [`pair`](Self::pair)), with the request: `Certain` when this
    /// policy's evaluator allows it and `other`'s does not.
    #[must_use]
    pub fn differences(&self, other: &AccessAnalysis) -> Vec<ClassAccess> {
        self.analyzer
            .differences(&other.analyzer)
            .into_iter()
            .map(|a| {
                let actions: Vec<Action> = a.actions.iter().collect();
                let mut grant = self.confirm_for(&a.class, a.grant, actions[0]);
                // The other policy is asked under the same identity policy.
                let theirs = other.evaluator(self.uses_identity(&a.class, grant.route));
                if grant
                    .request
                    .as_ref()
                    .is_none_or(|r| theirs.decide(r) == Outcome::Allowed)
                {
                    grant.certainty = Certainty::Possible;
                }
                ClassAccess {
                    class: a.class,
                    actions,
                    grant,
                }
            })
            .collect()
    }

    /// Positions of the statements no request can satisfy.
    #[must_use]
    pub fn dead_statements(&self) -> Vec<usize> {
        self.analyzer.dead_statements()
    }

    /// The request a witness stands for, on this analysis's repository; `None` for an
    /// anonymous caller or a name the model refuses.
    #[must_use]
    pub fn request(&self, witness: &Witness, action: Action) -> Option<Request> {
        request_of(witness, action, self.repository_for(witness))
    }

    /// The repository of a witness's request: the one given, or one in the owning account and
    /// in the region the witness asks for (`aws:RequestedRegion`), `us-east-1` by default.
    pub(crate) fn repository_for(&self, witness: &Witness) -> RepositoryArn {
        repository_for(&self.repository, self.repository_given, witness)
    }

    /// The grant's witness as a request for `action`, confirmed by the evaluator of its route.
    pub(crate) fn confirm(&self, g: policy_analysis::Grant, action: Action) -> ConfirmedGrant {
        let evaluator = match g.route {
            Route::RootOfOwner | Route::RepositoryPolicy => &self.own,
            Route::CrossAccount | Route::IdentityPolicy => &self.with_identity,
        };
        self.confirm_with(evaluator, g, action)
    }

    /// Like `confirm`, with the evaluator a comparison uses for the class.
    fn confirm_for(
        &self,
        class: &CallerClass,
        g: policy_analysis::Grant,
        action: Action,
    ) -> ConfirmedGrant {
        let evaluator = self.evaluator(self.uses_identity(class, g.route));
        self.confirm_with(evaluator, g, action)
    }

    fn confirm_with(
        &self,
        evaluator: &Evaluator,
        g: policy_analysis::Grant,
        action: Action,
    ) -> ConfirmedGrant {
        confirmed(evaluator, self.request(&g.witness, action), g)
    }
}

/// The repository of a witness's request: `repository` when it was given, else one in its
/// account and in the region the witness asks for (`aws:RequestedRegion`), `us-east-1` by
/// default.
fn repository_for(repository: &RepositoryArn, given: bool, witness: &Witness) -> RepositoryArn {
    if given {
        return repository.clone();
    }
    match witness.values("aws:RequestedRegion") {
        Some([region]) => match Region::new(region.as_str()) {
            Ok(region) => RepositoryArn::new(
                region,
                repository.account().clone(),
                repository.name().clone(),
            ),
            Err(_) => repository.clone(),
        },
        _ => repository.clone(),
    }
}

/// The grant with `request`, `Certain` when the engine was sure and `evaluator` allows it.
fn confirmed(
    evaluator: &Evaluator,
    request: Option<Request>,
    g: policy_analysis::Grant,
) -> ConfirmedGrant {
    let allowed = request
        .as_ref()
        .is_some_and(|r| evaluator.decide(r) == Outcome::Allowed);
    ConfirmedGrant {
        route: g.route,
        statements: g.statements,
        identity_statement: g.identity_statement,
        certainty: if allowed && g.certainty == Certainty::Certain {
            Certainty::Certain
        } else {
            Certainty::Possible
        },
        witness: g.witness,
        request,
    }
}

/// The repository the analysis's requests are made on: the one given, or a stand-in in the
/// owning account the engine picked.
fn analysed_repository(repository: Option<&RepositoryArn>, owner: &str) -> RepositoryArn {
    repository.cloned().unwrap_or_else(|| {
        RepositoryArn::new(
            Region::__checked("us-east-1"),
            // The engine's stand-in owner is twelve digits.
            AccountId::new(owner).unwrap_or_else(|_| AccountId::__checked("999999999999")),
            RepositoryName::__checked("unnamed-repository"),
        )
    })
}

/// Confirms grants the way [`AccessAnalysis`] does (without identity policies), for findings
/// decided without it: each evaluator is built when a grant first needs it.
pub(crate) struct Confirmer<'a> {
    document: &'a PolicyDocument,
    repository: RepositoryArn,
    repository_given: bool,
    own: OnceCell<Evaluator<'a>>,
    with_identity: OnceCell<Evaluator<'a>>,
}

impl<'a> Confirmer<'a> {
    /// For `document` on `repository` (when given), the engine's owner `owner` otherwise.
    pub(crate) fn new(
        document: &'a PolicyDocument,
        repository: Option<&RepositoryArn>,
        owner: &str,
    ) -> Self {
        Confirmer {
            document,
            repository: analysed_repository(repository, owner),
            repository_given: repository.is_some(),
            own: OnceCell::new(),
            with_identity: OnceCell::new(),
        }
    }

    /// The grant's witness as a request for `action`, confirmed by the evaluator of its route.
    pub(crate) fn confirm(&self, g: policy_analysis::Grant, action: Action) -> ConfirmedGrant {
        let own = || Evaluator::new(self.document);
        let evaluator = match g.route {
            Route::RootOfOwner | Route::RepositoryPolicy => self.own.get_or_init(own),
            Route::CrossAccount | Route::IdentityPolicy => self
                .with_identity
                .get_or_init(|| own().with_identity_policy(allow_all())),
        };
        let repository = repository_for(&self.repository, self.repository_given, &g.witness);
        confirmed(evaluator, request_of(&g.witness, action, repository), g)
    }
}

/// The analysis engine alone, without the evaluators that confirm counterexamples: for
/// questions answered yes or no.
pub(crate) fn engine(
    document: &PolicyDocument,
    options: &AnalysisOptions,
    owner: Option<&AccountId>,
    others: &[&PolicyDocument],
) -> Analyzer {
    let ir = lower(document);
    let others: Vec<ir::Policy> = others.iter().map(|d| lower(d)).collect();
    let other_refs: Vec<&ir::Policy> = others.iter().collect();
    let engine_options = Options {
        identity: match &options.identity {
            IdentityAssumption::Unknown => IdentityPolicies::Unknown,
            IdentityAssumption::AllowAll => IdentityPolicies::AllowAll,
            IdentityAssumption::Policy(p) => IdentityPolicies::Policy(lower(p)),
        },
        ..engine_options(options, owner)
    };
    Analyzer::with_names_of(&ir, &engine_options, &other_refs)
}

/// The engine's options for `options` (the owner `options.repository` names, else `owner`),
/// without identity policies.
pub(crate) fn engine_options(options: &AnalysisOptions, owner: Option<&AccountId>) -> Options {
    Options {
        owner: options
            .repository
            .as_ref()
            .map(|r| r.account())
            .or(owner)
            .map(|a| a.as_str().to_owned()),
        trusted: options
            .trusted
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        partition: "aws".to_owned(),
        region: options
            .repository
            .as_ref()
            .map(|r| r.region().as_str().to_owned()),
        repository: options.repository.as_ref().map(|r| r.as_str().to_owned()),
        identity: IdentityPolicies::Unknown,
    }
}

/// An identity policy allowing every action on every resource.
pub(crate) fn allow_all() -> PolicyDocument {
    let mut statement = Statement::new(Effect::Allow);
    statement.action = Some(ActionElement {
        negated: false,
        actions: [ActionItem::Pattern(
            ActionPattern::new("*").expect("\"*\" is a pattern"),
        )]
        .into_iter()
        .collect(),
    });
    statement.resource = Some(ResourceElement {
        negated: false,
        resources: ["*".to_owned()].into_iter().collect(),
    });
    let mut document = PolicyDocument::new(Version::V2012_10_17);
    document.statements.push(statement);
    document
}

/// The request a witness stands for on `repository`; `None` for an anonymous caller or a
/// name the model refuses.
pub(crate) fn request_of(
    witness: &Witness,
    action: Action,
    repository: RepositoryArn,
) -> Option<Request> {
    let caller = caller(&witness.caller)?;
    let mut request = Request::new(caller, action, repository);
    for (key, values) in &witness.context {
        request = match values {
            Some(v) => request.context(key, v.iter().map(String::as_str)),
            None => request.without(key),
        };
    }
    Some(request)
}

fn caller(identity: &Identity) -> Option<Caller> {
    Some(match identity {
        Identity::Root { partition, account } => Caller::Root {
            partition: partition.parse().ok()?,
            account: AccountId::new(account.as_str()).ok()?,
        },
        Identity::User {
            partition,
            account,
            path,
            name,
        } => Caller::User {
            partition: partition.parse().ok()?,
            account: AccountId::new(account.as_str()).ok()?,
            path: IamPath::new(path.as_str()).ok()?,
            name: UserName::new(name.as_str()).ok()?,
        },
        Identity::Session {
            partition,
            account,
            role_path,
            role,
            session,
        } => Caller::AssumedRole {
            partition: partition.parse().ok()?,
            account: AccountId::new(account.as_str()).ok()?,
            role_path: IamPath::new(role_path.as_str()).ok()?,
            role: RoleName::new(role.as_str()).ok()?,
            session: SessionName::new(session.as_str()).ok()?,
            federated_provider: None,
        },
        Identity::Service(s) => Caller::Service(ServiceName::new(s.as_str()).ok()?),
        Identity::Anonymous => return None,
    })
}

/// The engine's plain form of a document.
#[must_use]
pub fn lower(document: &PolicyDocument) -> ir::Policy {
    ir::Policy {
        variables: document.version == Some(Version::V2012_10_17),
        statements: document.statements.iter().map(lower_statement).collect(),
    }
}

fn lower_statement(s: &Statement) -> ir::Statement {
    ir::Statement {
        sid: s.sid.as_ref().map(|x| x.as_str().to_owned()),
        effect: match s.effect {
            Effect::Allow => ir::Effect::Allow,
            Effect::Deny => ir::Effect::Deny,
        },
        principal: s.principal.as_ref().map(|p| ir::Principals {
            negated: p.negated,
            items: p.principals.iter().map(lower_principal).collect(),
        }),
        actions: s
            .action
            .as_ref()
            .map(|a| ir::Actions {
                negated: a.negated,
                items: a.actions.iter().map(|x| x.as_str().to_owned()).collect(),
            })
            .unwrap_or_default(),
        resources: s.resource.as_ref().map(|r| ir::Resources {
            negated: r.negated,
            items: r.resources.iter().cloned().collect(),
        }),
        conditions: s
            .condition
            .tests()
            .iter()
            .map(|c| ir::Condition {
                operator: c.operator,
                key: c.key.as_str().to_owned(),
                values: c.values.iter().map(|v| v.as_text().into_owned()).collect(),
            })
            .collect(),
    }
}

fn lower_principal(p: &Principal) -> ir::PrincipalItem {
    use ir::PrincipalItem as I;
    // The partition's name copied directly: `to_string` goes through a formatter.
    let s = |x: &Partition| x.as_str().to_owned();
    match p {
        Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone) => I::Anyone,
        Principal::Aws(AwsPrincipal::Account {
            partition, account, ..
        }) => I::Account {
            partition: s(partition),
            id: account.as_str().to_owned(),
        },
        Principal::Aws(AwsPrincipal::User {
            partition,
            account,
            path,
            name,
        }) => I::User {
            partition: s(partition),
            account: account.as_str().to_owned(),
            path: path.as_str().to_owned(),
            name: name.as_str().to_owned(),
        },
        Principal::Aws(AwsPrincipal::Role {
            partition,
            account,
            path,
            name,
        }) => I::Role {
            partition: s(partition),
            account: account.as_str().to_owned(),
            path: path.as_str().to_owned(),
            name: name.as_str().to_owned(),
        },
        Principal::Aws(AwsPrincipal::AssumedRole {
            partition,
            account,
            role,
            session,
        }) => I::Session {
            partition: s(partition),
            account: account.as_str().to_owned(),
            role: role.as_str().to_owned(),
            session: session.as_str().to_owned(),
        },
        Principal::Aws(AwsPrincipal::Other(text)) => I::Other(text.clone()),
        Principal::Service(name) => I::Service(name.as_str().to_owned()),
        Principal::Federated(text) => I::Federated(text.clone()),
        Principal::CanonicalUser(text) => I::Other(text.clone()),
    }
}

impl AccessAnalysis {
    /// Like [`decide`](Self::decide), for requests that also meet `assumed`: whether a caller
    /// of the class in a given situation (outside every organization, from an address on the
    /// internet, ...) can perform the action, with a confirmed counterexample.
    #[must_use]
    pub fn decide_assuming(
        &self,
        class: &CallerClass,
        action: Action,
        assumed: &[ir::Condition],
    ) -> Option<ConfirmedGrant> {
        match self.analyzer.decide_assuming(class, action, assumed, false) {
            Verdict::Allowed(g) => Some(self.confirm(g, action)),
            Verdict::Denied => None,
        }
    }

    /// The first of `actions`, in their order, that [`decide_assuming`](Self::decide_assuming)
    /// allows, with its grant: actions the same statements cover are decided once.
    ///
    /// ```
    /// use policy_core::access::{AccessAnalysis, AnalysisOptions, CallerClass};
    /// use policy_core::{Action, PolicyDocument};
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///     "Principal":"*","Action":"ecr:BatchGetImage"}]}"#)?;
    /// let analysis = AccessAnalysis::new(&doc, &AnalysisOptions::default());
    /// let actions = [Action::PutImage, Action::BatchGetImage];
    /// let (first, _) = analysis
    ///     .decide_assuming_first(&CallerClass::Anonymous, &actions, &[])
    ///     .expect("anyone can pull");
    /// assert_eq!(first, Action::BatchGetImage);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn decide_assuming_first(
        &self,
        class: &CallerClass,
        actions: &[Action],
        assumed: &[ir::Condition],
    ) -> Option<(Action, ConfirmedGrant)> {
        self.analyzer
            .decide_assuming_first(class, actions, assumed, false)
            .map(|(action, g)| (action, self.confirm(g, action)))
    }

    /// [`decide_assuming_first`](Self::decide_assuming_first) with the assumed conditions
    /// lowered once (policy variables taken as text), for a situation asked about for many
    /// classes.
    #[must_use]
    pub fn decide_assumed_first(
        &self,
        class: &CallerClass,
        actions: &[Action],
        assumed: &Assumption,
    ) -> Option<(Action, ConfirmedGrant)> {
        self.analyzer
            .decide_assumed_first(class, actions, assumed)
            .map(|(action, g)| (action, self.confirm(g, action)))
    }

    /// A request of the class meeting every one of `conditions` (policy variables taken as
    /// text), or `None` when none does: to tell a dead condition from a live one.
    #[must_use]
    pub fn satisfy(
        &self,
        class: &CallerClass,
        conditions: &[ir::Condition],
    ) -> Option<(Witness, Certainty)> {
        self.analyzer.satisfy(class, conditions, false)
    }
}

/// What access changes between two policies, decided by the access analysis rather than by
/// the letters of the policies: each class of callers and group of actions that one policy
/// allows and the other does not, with a request that shows it (see [`exact_diff`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExactDiff {
    /// Access the second policy allows and the first does not.
    pub added: Vec<ClassAccess>,
    /// Access the first policy allows and the second does not.
    pub removed: Vec<ClassAccess>,
}

impl ExactDiff {
    /// Whether the analysis finds no change at all, proven or possible.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }

    /// The changes the evaluator confirms: each request is allowed by one policy and refused
    /// by the other.
    pub fn certain(&self) -> impl Iterator<Item = &ClassAccess> {
        self.added
            .iter()
            .chain(&self.removed)
            .filter(|a| a.grant.is_certain())
    }
}

/// The access `after` adds to and removes from `before`, each change with the request that
/// proves it ([`ConfirmedGrant::request`], `Certain` when one policy's evaluator allows it and
/// the other's does not; `Possible` when the engine could not rule the change out, as for an
/// anonymous caller). Unlike [`diff`](crate::compare::diff), which compares grants by their
/// text, two policies that grant the same access through different wording have no change
/// here.
///
/// ```
/// use policy_core::access::{exact_diff, AnalysisOptions};
/// use policy_core::{Action, PolicyDocument};
///
/// let before = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}]}"#)?;
/// let after = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*",
///    "Condition":{"StringLike":{"aws:PrincipalAccount":"*"}}}]}"#)?;
/// let changes = exact_diff(&before, &after, &AnalysisOptions::default());
/// assert!(changes.removed.is_empty());
/// let push = changes.added.iter().find(|a| a.actions.contains(&Action::PutImage)).unwrap();
/// assert!(push.grant.is_certain());
/// assert!(push.grant.request.as_ref().unwrap().to_string().contains("444455556666"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn exact_diff(
    before: &PolicyDocument,
    after: &PolicyDocument,
    options: &AnalysisOptions,
) -> ExactDiff {
    let (b, a) = AccessAnalysis::pair(before, after, options);
    ExactDiff {
        added: a.differences(&b),
        removed: b.differences(&a),
    }
}
