use ecr_policy::policy;

fn main() {
    let _ = policy! { allow "iam:PassRole" on arn "role/ecr-upstream" };
}
