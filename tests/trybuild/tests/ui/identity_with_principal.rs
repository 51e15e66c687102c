use ecr_policy::policy;

fn main() {
    // A repository named in `on repo "app"` makes an identity policy, which names no principal.
    let _ = policy! {
        account "123456789012";
        region "us-east-1";
        allow user "ci" pull on repo "app"
    };
}
