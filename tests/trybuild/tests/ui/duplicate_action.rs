use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "fcj-ecr-ci-cd-user" push, pull, push on repo };
}
