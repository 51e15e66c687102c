use ecr_policy::policy;

fn main() {
    let _ = policy! { allow service "codebuild.amazonaws.com" in account "123456789012" pull on repo };
}
