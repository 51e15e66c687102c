use ecr_policy::{policy, AccountId, PolicyTemplate};

fn main() {
    let template: PolicyTemplate = policy! { allow user "fcj-ecr-ci-cd-user" pul on repo };
    let policy = template.bind(AccountId::new("123456789012").unwrap());
    println!("{}", policy.to_json());
}
