use ecr_policy::policy;

fn main() {
    // An ECR Public repository policy holds ecr-public: actions.
    let _ = policy! { allow account "111122223333" ecr:PutImage on public repo };
}
