//! Turns the checked policy into builder calls. Literals become `__checked` constants (already
//! checked at compile time, never re-parsed at run time); interpolated values are bound with
//! their core type, so a wrong type is a compile error on the expression.

use proc_macro2::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::quote;

use crate::arn::Arn;
use crate::validate::{
    ActionItem, CondVal, Condition, Policy, Principal, Statement, Val, VersionVal,
};

pub struct Expander<'a> {
    /// The path of the `ecr_policy` crate, as `$crate` handed it over.
    pub krate: &'a TokenStream,
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

impl Expander<'_> {
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
        if let Some(account) = &policy.account {
            let account = self.val("AccountId", account);
            calls.extend(quote! { .account(#account) });
        }
        for s in &policy.statements {
            let s = self.statement(s);
            calls.extend(quote! { .statement(#s) });
        }
        let finish = if policy.is_template() {
            quote! { .__template() }
        } else {
            quote! { .__policy() }
        };
        quote! { #krate::RepositoryPolicy::builder() #calls #finish }
    }

    /// A value of the macro's type for when the input has errors: the errors are the whole
    /// story, so this only has to type-check.
    pub fn fallback(&self, template: bool) -> TokenStream {
        let krate = self.krate;
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
            calls.extend(self.principal(p));
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

    fn principal(&self, p: &Principal) -> TokenStream {
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
                let name = self.val(ty, name);
                match path {
                    Some(path) => {
                        let method = ident(&format!("{method}_with_path"));
                        let path = self.checked("IamPath", path);
                        quote! { .#method(#path, #name) }
                    }
                    None => {
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
                let name = self.val(ty, name);
                let account = self.val("AccountId", account);
                let path = self.path(path.as_deref());
                self.aws(&quote! {
                    #variant { partition: #krate::Partition::Aws, account: #account, path: #path, name: #name }
                })
            }
            Principal::Session {
                role,
                session,
                account,
            } => {
                let role = self.val("RoleName", role);
                let session = self.val("SessionName", session);
                match account {
                    None => quote! { .session(#role, #session) },
                    Some(account) => {
                        let account = self.val("AccountId", account);
                        self.aws(&quote! {
                            AssumedRole { partition: #krate::Partition::Aws, account: #account, role: #role, session: #session }
                        })
                    }
                }
            }
            Principal::Account(a) => {
                let a = self.val("AccountId", a);
                quote! { .account(#a) }
            }
            Principal::Service(s) => {
                let s = self.val("ServiceName", s);
                quote! { .service(#s) }
            }
            Principal::Anyone => quote! { .anyone() },
            Principal::Org(o) => {
                let o = self.val("OrgId", o);
                quote! { .org(#o) }
            }
            Principal::Arn(arn) => self.aws(&self.arn(arn)),
            Principal::ArnExpr(g) => {
                let p = self.typed("AwsPrincipal", g);
                quote! { .principal(#p) }
            }
        }
    }

    /// The builder call that spares `p` from a deny of everyone: the principal's own call
    /// renamed (`.role(..)` to `.spare_role(..)`, `.principal(..)` to `.spare(..)`).
    fn spare(&self, p: &Principal) -> TokenStream {
        let krate = self.krate;
        match p {
            Principal::Account(a) => {
                let a = self.val("AccountId", a);
                quote! { .spare(#krate::Principal::account(#a)) }
            }
            Principal::Service(s) => {
                let s = self.val("ServiceName", s);
                quote! { .spare(#krate::Principal::Service(#s)) }
            }
            _ => {
                let call: Vec<TokenTree> = self.principal(p).into_iter().collect();
                match call.as_slice() {
                    [dot, TokenTree::Ident(method), args] => {
                        let method = if method == "principal" {
                            ident("spare")
                        } else {
                            ident(&format!("spare_{method}"))
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
        let values = c.values.iter().map(|v| match v {
            CondVal::Str(s) => quote! { #krate::ConditionValue::__checked(#s) },
            CondVal::Bool(b) => quote! { #krate::ConditionValue::Bool(#b) },
            CondVal::Num(n) => {
                let n = Literal::u64_suffixed(*n);
                quote! { <#krate::ConditionValue as ::core::convert::From<u64>>::from(#n) }
            }
            CondVal::Expr(g) => self.typed("ConditionValue", g),
            CondVal::Account(g) => {
                let v = self.typed("AccountId", g);
                quote! { <#krate::ConditionValue as ::core::convert::From<&str>>::from(#v.as_str()) }
            }
            CondVal::Org(g) => {
                let v = self.typed("OrgId", g);
                quote! { <#krate::ConditionValue as ::core::convert::From<&str>>::from(#v.as_str()) }
            }
        });
        quote! {
            #krate::Condition::new(
                #krate::ConditionOperator { qualifier: #qualifier, operator: #krate::Operator::#operator, if_exists: #if_exists },
                #key,
                [#(#values),*],
            )
        }
    }
}
