use ecr_policy::policy;

fn main() {
    let _ = policy! { account "123456789012" allow user "ci" pull on repo };
}
