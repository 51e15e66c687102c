use ecr_policy::{policy, AccountId, PolicyTemplate, RepositoryPolicy};

fn main() {
    // One error each, and the value keeps its type: nothing else fails.
    let policy: RepositoryPolicy = policy! { allow anyone pull on repo };
    println!("{}", policy.to_json());
    let template: PolicyTemplate = policy! {
        allow user "ci" push on repo;
        allow service "codebuild.amazonaws.com" pull on repo
    };
    println!("{}", template.bind(AccountId::new("123456789012").unwrap()).to_json());
}
