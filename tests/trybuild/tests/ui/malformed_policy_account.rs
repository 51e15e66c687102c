use ecr_policy::policy;

fn main() {
    let _ = policy! { account "1234567890123"; allow user "fcj-ecr-ci-cd-user" pull on repo };
}
