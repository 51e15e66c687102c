use ecr_policy::policy;

fn main() {
    let _ = policy! {
        allow service "codebuild.amazonaws.com", service "lambda.amazonaws.com" pull on repo
            when source_account "123456789012"
    };
    let _ = policy! {
        allow service "codebuild.amazonaws.com" pull on repo
            when StringLike "aws:SourceAccount" "*"
    };
}
