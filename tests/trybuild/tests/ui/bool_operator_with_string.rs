use ecr_policy::policy;

fn main() {
    let _ = policy! { deny anyone all on repo when Bool "aws:SecureTransport" "no" };
}
