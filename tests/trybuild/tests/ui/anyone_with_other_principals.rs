use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone, user "fcj-ecr-ci-cd-user" pull on repo };
}
