use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone ecr::DescribeImages on repo };
}
