use ecr_policy::statement;

fn main() {
    let _ = statement! { account "123456789012"; allow role "ci" push on repo };
    let _ = statement! { allow role "ci" push on repo; allow role "app" pull on repo };
    let _ = statement! { allow role "ci" psh on repo };
}
