use ecr_policy::policy;

fn main() {
    let _ = policy! {
        allow service "codebuild.amazonaws.com" pull on repo
            when ArnLike "aws:SourceAccount" "123456789012"
    };
}
