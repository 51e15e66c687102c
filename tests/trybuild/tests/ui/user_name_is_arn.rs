use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "arn:aws:iam::123456789012:user/ci" pull on repo };
}
