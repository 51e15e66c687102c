use ecr_policy::policy;

fn main() {
    let _ = policy! { allow service "codebuild" pull on repo };
}
