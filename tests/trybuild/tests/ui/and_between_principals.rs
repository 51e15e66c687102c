use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "ci" and role "deployer" pull on repo };
}
