use ecr_policy::policy;

fn main() {
    let _ = policy! { alow user "fcj-ecr-ci-cd-user" push on repo };
}
