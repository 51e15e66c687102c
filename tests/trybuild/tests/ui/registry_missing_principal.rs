use ecr_policy::policy;

fn main() {
    let _ = policy! {
        account "123456789012";
        region "us-west-2";
        allow ReplicateImage on registry
    };
}
