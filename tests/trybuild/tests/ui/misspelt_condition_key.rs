use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone pull on repo when StringEquals "aws:SourceAcount" "123456789012" };
}
