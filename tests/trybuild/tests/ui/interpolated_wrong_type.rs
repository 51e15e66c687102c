use ecr_policy::policy;

fn main() {
    let account = "123456789012";
    let _ = policy! {
        account {account};
        allow user "fcj-ecr-ci-cd-user" pull on repo
    };
}
