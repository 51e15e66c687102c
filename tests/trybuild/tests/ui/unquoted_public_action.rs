use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone ecr-public:DescribeImages on repo };
}
