use ecr_policy::policy;

fn main() {
    // GetAuthorizationToken takes no repository: a registry policy cannot grant it.
    let _ = policy! {
        account "123456789012";
        region "us-west-2";
        allow account "210987654321" GetAuthorizationToken, ReplicateImage on registry
    };
}
