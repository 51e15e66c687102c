use ecr_policy::{policy, AccountId, PolicyTemplate, RepositoryPolicy};

fn main() {
    let template: PolicyTemplate = policy! { allow user "fcj-ecr-ci-cd-user" pul on repo };
    let policy = template.bind(AccountId::new("123456789012").unwrap());
    println!("{}", policy.to_json());

    // Each mistake below is its one error: the value keeps the type the policy would have had.
    let cut_short: PolicyTemplate = policy! { allow user "ci" pull };
    let and_between: PolicyTemplate = policy! { allow user "ci" and role "deployer" pull on repo };
    let arn_as_name: PolicyTemplate = policy! { allow user "arn:aws:iam::123456789012:user/ci" pull on repo };
    for template in [cut_short, and_between, arn_as_name] {
        println!("{}", template.bind(AccountId::new("123456789012").unwrap()).to_json());
    }
    let dashes: RepositoryPolicy = policy! { allow account "1234-5678-9012" pull on repo };
    let no_semicolon: RepositoryPolicy = policy! { account "123456789012" allow user "ci" pull on repo };
    let not_an_arn: RepositoryPolicy = policy! { allow anyone pull on repo when principal_arn "deployer" };
    let allow_except: RepositoryPolicy =
        policy! { allow anyone except role "deployer" in account "123456789012" pull on repo };
    let except_session: RepositoryPolicy =
        policy! { deny anyone except session "admin" "alice" in account "123456789012" policy on repo };
    for policy in [dashes, no_semicolon, not_an_arn, allow_except, except_session] {
        println!("{}", policy.to_json());
    }
}
