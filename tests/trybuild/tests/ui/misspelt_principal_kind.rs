use ecr_policy::policy;

fn main() {
    let _ = policy! { allow usr "fcj-ecr-ci-cd-user" push on repo };
}
