use ecr_policy::policy;

fn main() {
    let _ = policy! {
        account "123456789012";
        region "us-east-1";
        allow pull on repos "prod"
    };
}
