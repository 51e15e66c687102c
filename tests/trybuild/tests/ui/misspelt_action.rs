use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "fcj-ecr-ci-cd-user" PutImge, pull on repo };
}
