use ecr_policy::policy;

fn main() {
    let _ = policy! { allow service "codebuild.amazonaws.co" pull on repo };
}
