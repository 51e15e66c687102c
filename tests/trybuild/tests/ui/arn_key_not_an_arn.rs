use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone pull on repo when principal_arn "deployer" };
}
