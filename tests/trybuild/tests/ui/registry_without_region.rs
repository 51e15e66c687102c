use ecr_policy::policy;

fn main() {
    // The registry is an account's repositories in one Region: both are needed.
    let _ = policy! {
        account "123456789012";
        allow account "210987654321" ReplicateImage on registry
    };
}
