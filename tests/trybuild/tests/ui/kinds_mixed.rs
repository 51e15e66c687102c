use ecr_policy::policy;

fn main() {
    // One policy is of one kind: a repository policy and a registry policy are set apart.
    let _ = policy! {
        account "123456789012";
        region "us-west-2";
        allow user "ci" pull on repo;
        allow account "210987654321" ReplicateImage on registry
    };
}
