use ecr_policy::policy;

fn main() {
    let _ = policy! { allow role "arn:aws:iam::123456789012:role/deployer" pull on repo };
}
