use ecr_policy::policy;

fn main() {
    let _ = policy! { allow arn "arn:aws:iam::123456789012:group/developers" pull on repo };
}
