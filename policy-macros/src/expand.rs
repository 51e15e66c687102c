//! Turns the checked policy into builder calls. Literals become `__checked` constants (already
//! checked at compile time, never re-parsed at run time); interpolated values are bound with
//! their core type, so a wrong type is a compile error on the expression.

use std::cell::{Cell, RefCell};

use proc_macro2::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::quote;

use crate::arn::Arn;
use crate::kinds::{Kind, Resource};
use crate::validate::{
    ActionItem, CondVal, Condition, Policy, Principal, Statement, Val, VersionVal,
};

pub struct Expander<'a> {
    /// The path of `ecr_policy::__private`.
    pub krate: &'a TokenStream,
    /// The values of the `{expr}` slots that may hold lists, bound before the builder so that
    /// their count ([`One`] or [`Many`]) is known to the type of the result.
    pub slots: RefCell<Vec<(Ident, TokenStream)>>,
    /// Whether a statement is spliced in, which only `build` can check.
    pub spliced: Cell<bool>,
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

impl Expander<'_> {
    /// Binds `{expr}` as the values of a slot of type `ty` (one value or a list), returning
    /// an expression of the `Vec` of them.
    fn list(&self, ty: &str, group: &Group) -> TokenStream {
        let krate = self.krate;
        let ty = ident(ty);
        let mut slots = self.slots.borrow_mut();
        let name = Ident::new(&format!("slot_{}", slots.len()), Span::mixed_site());
        let value = Ident::new("value", Span::mixed_site());
        // Spanned on the expression, so that a wrong type is reported there.
        let values = quote::quote_spanned! { group.span()=>
            #krate::slot::values::<#krate::#ty, _, _>(#value)
        };
        slots.push((name.clone(), quote! { { let #value = #group; #values } }));
        quote! { #name.values }
    }

    /// A single value for `Val::Lit`, the list of values for `Val::Expr`.
    fn vals(&self, ty: &str, val: &Val) -> TokenStream {
        match val {
            Val::Lit(_) => {
                let one = self.val(ty, val);
                quote! { [#one] }
            }
            Val::Expr(g) => self.list(ty, g),
        }
    }

    /// The expression `body` with the slots bound before it, finished by `finish` (given the
    /// counter of slots) when there are slots or splices.
    fn with_slots(
        &self,
        body: TokenStream,
        finish: Option<(TokenStream, TokenStream)>,
    ) -> TokenStream {
        let krate = self.krate;
        let slots = self.slots.borrow();
        let lets = slots
            .iter()
            .map(|(name, value)| quote! { let #name = #value; });
        let names = slots.iter().map(|(name, _)| name);
        let spliced = self.spliced.get();
        match finish {
            Some((_, wrap)) if spliced || !slots.is_empty() => {
                let many = spliced.then(|| quote! { .many() });
                let counter = Ident::new("counter", Span::mixed_site());
                let builder = Ident::new("builder", Span::mixed_site());
                quote! {{
                    #(#lets)*
                    let #counter = #krate::slot::counter() #(.and(&#names))* #many;
                    let #builder = #body;
                    #counter.finish(#krate::slot::#wrap(#builder))
                }}
            }
            Some((plain, _)) => quote! { #body #plain },
            None if slots.is_empty() => body,
            None => quote! {{ #(#lets)* #body }},
        }
    }

    /// `{ let value: Type = { expr }; value }`: the expression must have exactly the core type.
    fn typed(&self, ty: &str, group: &Group) -> TokenStream {
        let krate = self.krate;
        let ty = ident(ty);
        let value = Ident::new("value", Span::mixed_site());
        quote! { { let #value: #krate::#ty = #group; #value } }
    }

    fn val(&self, ty: &str, val: &Val) -> TokenStream {
        let krate = self.krate;
        match val {
            Val::Lit(text) => {
                let ty = ident(ty);
                quote! { #krate::#ty::__checked(#text) }
            }
            Val::Expr(g) => self.typed(ty, g),
        }
    }

    fn checked(&self, ty: &str, text: &str) -> TokenStream {
        self.val(ty, &Val::Lit(text.to_owned()))
    }

    pub fn policy(&self, policy: &Policy) -> TokenStream {
        if policy.kind != Kind::Repository {
            return self.kind_policy(policy);
        }
        let mut calls = self.headers(policy);
        if let Some(account) = &policy.account {
            let account = self.val("AccountId", account);
            calls.extend(quote! { .account(#account) });
        }
        self.repository_statements(policy, calls)
    }

    /// The `version` and `id` headers, as builder calls.
    fn headers(&self, policy: &Policy) -> TokenStream {
        let krate = self.krate;
        let mut calls = TokenStream::new();
        match &policy.version {
            Some(VersionVal::Variant(v)) => {
                let v = ident(v);
                calls.extend(quote! { .version(#krate::Version::#v) });
            }
            Some(VersionVal::Expr(g)) => {
                let v = self.typed("Version", g);
                calls.extend(quote! { .version(#v) });
            }
            None => {}
        }
        if let Some(id) = &policy.id {
            let id = self.val("PolicyId", id);
            calls.extend(quote! { .id(#id) });
        }
        calls
    }

    /// A registry, ECR Public or identity policy: the kind's builder, each statement with its
    /// resources. A `{expr}` action is checked by the kind's rules when built.
    fn kind_policy(&self, policy: &Policy) -> TokenStream {
        let krate = self.krate;
        let mut calls = self.headers(policy);
        let registry = Ident::new("registry", Span::mixed_site());
        let registry_value = match (&policy.account, &policy.region) {
            (Some(account), Some(region)) => {
                let account = self.val("AccountId", account);
                let region = self.val("Region", region);
                Some(quote! { let #registry = #krate::Registry::new(#account, #region); })
            }
            _ => None,
        };
        let start = match policy.kind {
            Kind::Registry => {
                quote! { #krate::RegistryPolicy::builder(::core::clone::Clone::clone(&#registry)) }
            }
            Kind::PublicRepository => {
                if let Some(account) = &policy.account {
                    let account = self.val("AccountId", account);
                    calls.extend(quote! { .account(#account) });
                }
                quote! { #krate::PublicRepositoryPolicy::builder() }
            }
            _ => quote! { #krate::IdentityPolicy::builder() },
        };
        for s in &policy.statements {
            if s.actions.iter().any(|a| matches!(a, ActionItem::Expr(_))) {
                self.spliced.set(true);
            }
            let statement = self.statement(s);
            let resources = s.resources.iter().map(|r| {
                let repos = |r: &Resource| match r {
                    Resource::Named(name) => {
                        let name = self.val("RepositoryName", name);
                        quote! { #krate::Repositories::named(#name) }
                    }
                    Resource::Matching(Val::Lit(text)) => {
                        quote! { #krate::Repositories::__checked(#text) }
                    }
                    Resource::Matching(Val::Expr(g)) => self.typed("Repositories", g),
                    Resource::All | Resource::Any | Resource::Arn(_) => {
                        quote! { #krate::Repositories::all() }
                    }
                };
                match (policy.kind, r) {
                    (Kind::Identity, Resource::Any) => quote! { #krate::IdentityResource::Any },
                    (Kind::Identity, Resource::Arn(text)) => {
                        quote! { #krate::IdentityResource::Arn(::std::string::String::from(#text)) }
                    }
                    (Kind::Identity, r) => {
                        let r = repos(r);
                        quote! { #krate::IdentityResource::Repositories(::core::clone::Clone::clone(&#registry), #r) }
                    }
                    (_, r) => repos(r),
                }
            });
            calls.extend(match policy.kind {
                Kind::PublicRepository => quote! { .statement(#statement) },
                _ => quote! { .statement([#(#resources),*], #statement) },
            });
        }
        self.with_slots(
            quote! { ({ #registry_value #start #calls }) },
            Some((quote! { .__unchecked() }, quote! { AsKind })),
        )
    }

    fn repository_statements(&self, policy: &Policy, mut calls: TokenStream) -> TokenStream {
        let krate = self.krate;
        for s in &policy.statements {
            match &s.splice {
                Some((false, g)) => {
                    self.spliced.set(true);
                    let s = self.typed("StatementBuilder", g);
                    calls.extend(quote! { .statement(#s) });
                }
                Some((true, g)) => {
                    self.spliced.set(true);
                    let value = Ident::new("statements", Span::mixed_site());
                    calls.extend(
                        quote::quote_spanned! { g.span()=> .statements({ let #value = #g; #value }) },
                    );
                }
                None => {
                    let s = self.statement(s);
                    calls.extend(quote! { .statement(#s) });
                }
            }
        }
        let finish = if policy.is_template() {
            (quote! { .__template() }, quote! { AsTemplate })
        } else {
            (quote! { .__policy() }, quote! { AsPolicy })
        };
        self.with_slots(
            quote! { #krate::RepositoryPolicy::builder() #calls },
            Some(finish),
        )
    }

    /// The value of `statement!`: a `StatementBuilder`.
    pub fn lone_statement(&self, s: &Statement) -> TokenStream {
        let s = self.statement(s);
        self.with_slots(s, None)
    }

    /// A value of the macro's type for when the input has errors: the errors are the whole
    /// story, so this only has to type-check.
    pub fn fallback(&self, template: bool, kind: Kind) -> TokenStream {
        let krate = self.krate;
        let registry = quote! {
            #krate::Registry::new(#krate::AccountId::__checked("000000000000"), #krate::Region::__checked("us-east-1"))
        };
        match kind {
            Kind::Registry => {
                return quote! { #krate::RegistryPolicy::builder(#registry).__unchecked() }
            }
            Kind::PublicRepository => {
                return quote! { #krate::PublicRepositoryPolicy::builder().__unchecked() }
            }
            Kind::Identity => return quote! { #krate::IdentityPolicy::builder().__unchecked() },
            Kind::Repository => {}
        }
        if template {
            quote! {
                #krate::RepositoryPolicy::builder().__template()
            }
        } else {
            quote! { #krate::RepositoryPolicy::builder().__policy() }
        }
    }

    fn statement(&self, s: &Statement) -> TokenStream {
        let krate = self.krate;
        let mut calls = TokenStream::new();
        if let Some(sid) = &s.sid {
            let sid = self.val("Sid", sid);
            calls.extend(quote! { .sid(#sid) });
        }
        for p in &s.principals {
            calls.extend(self.principal(p, true));
        }
        if s.not_principal {
            calls.extend(quote! { .not_principal() });
        }
        for p in &s.spared {
            calls.extend(self.spare(p));
        }
        for a in &s.actions {
            calls.extend(self.action(a));
        }
        if s.not_action {
            calls.extend(quote! { .not_action() });
        }
        for c in &s.conditions {
            let c = self.condition(c);
            calls.extend(quote! { .condition(#c) });
        }
        let effect = ident(if s.deny { "deny" } else { "allow" });
        quote! { #krate::StatementBuilder::#effect() #calls }
    }

    fn path(&self, path: Option<&str>) -> TokenStream {
        let krate = self.krate;
        match path {
            Some(p) if p != "/" => self.checked("IamPath", p),
            _ => quote! { #krate::IamPath::root() },
        }
    }

    fn aws(&self, principal: &TokenStream) -> TokenStream {
        let krate = self.krate;
        quote! { .principal(#krate::Principal::Aws(#krate::AwsPrincipal::#principal)) }
    }

    /// The builder call adding `p`; with `lists`, each `{expr}` may be a list of values.
    fn principal(&self, p: &Principal, lists: bool) -> TokenStream {
        let krate = self.krate;
        match p {
            Principal::Named {
                role,
                path,
                name,
                account: None,
            } => {
                let (ty, method) = if *role {
                    ("RoleName", "role")
                } else {
                    ("UserName", "user")
                };
                match (path, name) {
                    (None, Val::Expr(g)) if lists => {
                        let names = self.list(ty, g);
                        let method = ident(&format!("{method}s"));
                        quote! { .#method(#names) }
                    }
                    (Some(path), name) => {
                        let name = self.val(ty, name);
                        let method = ident(&format!("{method}_with_path"));
                        let path = self.checked("IamPath", path);
                        quote! { .#method(#path, #name) }
                    }
                    (None, name) => {
                        let name = self.val(ty, name);
                        let method = ident(method);
                        quote! { .#method(#name) }
                    }
                }
            }
            Principal::Named {
                role,
                path,
                name,
                account: Some(account),
            } => {
                let (ty, variant) = if *role {
                    ("RoleName", "Role")
                } else {
                    ("UserName", "User")
                };
                let variant = ident(variant);
                let account = self.val("AccountId", account);
                let path = self.path(path.as_deref());
                match name {
                    Val::Expr(g) if lists => {
                        let names = self.list(ty, g);
                        let (a, n) = (
                            Ident::new("account", Span::mixed_site()),
                            Ident::new("name", Span::mixed_site()),
                        );
                        quote! {
                            .principals({
                                let #a: #krate::AccountId = #account;
                                ::core::iter::Iterator::map(::core::iter::IntoIterator::into_iter(#names), move |#n| #krate::Principal::Aws(#krate::AwsPrincipal::#variant {
                                    partition: #krate::Partition::Aws, account: ::core::clone::Clone::clone(&#a), path: #path, name: #n,
                                }))
                            })
                        }
                    }
                    name => {
                        let name = self.val(ty, name);
                        self.aws(&quote! {
                            #variant { partition: #krate::Partition::Aws, account: #account, path: #path, name: #name }
                        })
                    }
                }
            }
            Principal::Session {
                role,
                session,
                account,
            } => {
                let role = self.val("RoleName", role);
                match (account, session) {
                    (None, Val::Expr(g)) if lists => {
                        let sessions = self.list("SessionName", g);
                        quote! { .sessions(#role, #sessions) }
                    }
                    (None, session) => {
                        let session = self.val("SessionName", session);
                        quote! { .session(#role, #session) }
                    }
                    (Some(account), Val::Expr(g)) if lists => {
                        let sessions = self.list("SessionName", g);
                        let account = self.val("AccountId", account);
                        let (a, r, n) = (
                            Ident::new("account", Span::mixed_site()),
                            Ident::new("role", Span::mixed_site()),
                            Ident::new("session", Span::mixed_site()),
                        );
                        quote! {
                            .principals({
                                let #a: #krate::AccountId = #account;
                                let #r: #krate::RoleName = #role;
                                ::core::iter::Iterator::map(::core::iter::IntoIterator::into_iter(#sessions), move |#n| #krate::Principal::Aws(#krate::AwsPrincipal::AssumedRole {
                                    partition: #krate::Partition::Aws, account: ::core::clone::Clone::clone(&#a), role: ::core::clone::Clone::clone(&#r), session: #n,
                                }))
                            })
                        }
                    }
                    (Some(account), session) => {
                        let session = self.val("SessionName", session);
                        let account = self.val("AccountId", account);
                        self.aws(&quote! {
                            AssumedRole { partition: #krate::Partition::Aws, account: #account, role: #role, session: #session }
                        })
                    }
                }
            }
            Principal::Account(a) if lists => {
                let a = self.vals("AccountId", a);
                quote! { .accounts(#a) }
            }
            Principal::Account(a) => {
                let a = self.val("AccountId", a);
                quote! { .account(#a) }
            }
            Principal::Service(s) if lists => {
                let s = self.vals("ServiceName", s);
                quote! { .services(#s) }
            }
            Principal::Service(s) => {
                let s = self.val("ServiceName", s);
                quote! { .service(#s) }
            }
            Principal::Anyone => quote! { .anyone() },
            Principal::Org(o) if lists => {
                let o = self.vals("OrgId", o);
                quote! { .orgs(#o) }
            }
            Principal::Org(o) => {
                let o = self.val("OrgId", o);
                quote! { .org(#o) }
            }
            Principal::Arn(arn) => self.aws(&self.arn(arn)),
            Principal::ArnExpr(g) if lists => {
                let p = self.list("AwsPrincipal", g);
                quote! { .principals(#p) }
            }
            Principal::ArnExpr(g) => {
                let p = self.typed("AwsPrincipal", g);
                quote! { .principal(#p) }
            }
        }
    }

    /// The builder call that spares `p` from a deny of everyone: the principal's own call
    /// renamed (`.role(..)` to `.spare_role(..)`, `.roles(..)` to `.spare_roles(..)`,
    /// `.principal(..)` to `.spare(..)`). A `{expr}` may be a list, as in any principal slot.
    fn spare(&self, p: &Principal) -> TokenStream {
        let krate = self.krate;
        match p {
            Principal::Account(Val::Expr(g)) => {
                let a = self.list("AccountId", g);
                quote! { .spare_accounts(#a) }
            }
            Principal::Account(a) => {
                let a = self.val("AccountId", a);
                quote! { .spare(#krate::Principal::account(#a)) }
            }
            Principal::Service(Val::Expr(g)) => {
                let s = self.list("ServiceName", g);
                quote! { .spare_services(#s) }
            }
            Principal::Service(s) => {
                let s = self.val("ServiceName", s);
                quote! { .spare(#krate::Principal::Service(#s)) }
            }
            _ => {
                let call: Vec<TokenTree> = self.principal(p, true).into_iter().collect();
                match call.as_slice() {
                    [dot, TokenTree::Ident(method), args] => {
                        let method = match method.to_string().as_str() {
                            "principal" => ident("spare"),
                            "principals" => ident("spares"),
                            other => ident(&format!("spare_{other}")),
                        };
                        quote! { #dot #method #args }
                    }
                    _ => TokenStream::new(),
                }
            }
        }
    }

    fn arn(&self, arn: &Arn) -> TokenStream {
        let krate = self.krate;
        let partition = |p: &str| {
            let p = ident(p);
            quote! { #krate::Partition::#p }
        };
        match arn {
            Arn::Account {
                partition: p,
                account,
                bare,
            } => {
                let p = partition(p);
                let account = self.checked("AccountId", account);
                quote! { Account { partition: #p, account: #account, bare: #bare } }
            }
            Arn::User {
                partition: p,
                account,
                path,
                name,
            }
            | Arn::Role {
                partition: p,
                account,
                path,
                name,
            } => {
                let (variant, ty) = if matches!(arn, Arn::User { .. }) {
                    ("User", "UserName")
                } else {
                    ("Role", "RoleName")
                };
                let variant = ident(variant);
                let p = partition(p);
                let account = self.checked("AccountId", account);
                let path = self.path(Some(path));
                let name = self.checked(ty, name);
                quote! { #variant { partition: #p, account: #account, path: #path, name: #name } }
            }
            Arn::AssumedRole {
                partition: p,
                account,
                role,
                session,
            } => {
                let p = partition(p);
                let account = self.checked("AccountId", account);
                let role = self.checked("RoleName", role);
                let session = self.checked("SessionName", session);
                quote! { AssumedRole { partition: #p, account: #account, role: #role, session: #session } }
            }
        }
    }

    fn action(&self, a: &ActionItem) -> TokenStream {
        let krate = self.krate;
        match a {
            ActionItem::Bundle(b) => {
                let b = ident(&format!("{b:?}"));
                quote! { .bundle(#krate::Bundle::#b) }
            }
            ActionItem::Action(a) => {
                let a = ident(a.name());
                quote! { .action(#krate::Action::#a) }
            }
            ActionItem::Public(a) => {
                let a = ident(a.name());
                quote! { .action(#krate::PublicAction::#a) }
            }
            ActionItem::Other(text) => {
                quote! { .action(#krate::ActionItem::Other(::std::string::String::from(#text))) }
            }
            ActionItem::PublicBundle(b) => {
                let names = b.actions().iter().filter_map(|a| {
                    policy_catalogue::PublicAction::from_name(a.name()).map(|p| ident(p.name()))
                });
                quote! { #(.action(#krate::PublicAction::#names))* }
            }
            ActionItem::Pattern(p) => quote! { .action(#krate::ActionPattern::__checked(#p)) },
            ActionItem::Expr(g) => {
                let a = self.typed("ActionItem", g);
                quote! { .action(#a) }
            }
        }
    }

    fn condition(&self, c: &Condition) -> TokenStream {
        let krate = self.krate;
        let qualifier = match c.operator.qualifier {
            Some(q) => {
                let q = ident(q.as_str());
                quote! { ::core::option::Option::Some(#krate::SetQualifier::#q) }
            }
            None => quote! { ::core::option::Option::None },
        };
        let operator = ident(c.operator.operator.as_str());
        let if_exists = c.operator.if_exists;
        let key = self.val("ConditionKey", &c.key);
        let one = |v: TokenStream| quote! { [#v] };
        let all = Ident::new("values", Span::mixed_site());
        let values = c.values.iter().map(|v| match v {
            CondVal::Str(s) => one(quote! { #krate::ConditionValue::__checked(#s) }),
            CondVal::Bool(b) => one(quote! { #krate::ConditionValue::Bool(#b) }),
            CondVal::Num(n) => {
                let n = Literal::u64_suffixed(*n);
                one(quote! { <#krate::ConditionValue as ::core::convert::From<u64>>::from(#n) })
            }
            CondVal::Expr(g) => self.list("ConditionValue", g),
            CondVal::Account(g) | CondVal::Org(g) => {
                let ty = if matches!(v, CondVal::Account(_)) { "AccountId" } else { "OrgId" };
                let values = self.list(ty, g);
                let x = Ident::new("value", Span::mixed_site());
                quote! {
                    ::core::iter::Iterator::map(::core::iter::IntoIterator::into_iter(#values), |#x| <#krate::ConditionValue as ::core::convert::From<&str>>::from(#x.as_str()))
                }
            }
        });
        quote! {
            #krate::Condition::new(
                #krate::ConditionOperator { qualifier: #qualifier, operator: #krate::Operator::#operator, if_exists: #if_exists },
                #key,
                {
                    let mut #all = ::std::vec::Vec::new();
                    #(::core::iter::Extend::extend(&mut #all, #values);)*
                    #all
                },
            )
        }
    }
}
