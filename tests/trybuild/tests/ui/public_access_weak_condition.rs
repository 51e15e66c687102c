use ecr_policy::policy;

fn main() {
    // Conditions that narrow nothing: any principal ARN, any organization id.
    let _ = policy! {
        allow anyone pull on repo when StringLike "aws:PrincipalArn" "arn:aws:iam::*:*";
        allow anyone ListImages on repo when StringLike "aws:PrincipalOrgID" "o-*"
    };
}
