use ecr_policy::policy;

fn main() {
    let _ = policy! { version "2020-01-01"; allow user "fcj-ecr-ci-cd-user" pull on repo };
}
