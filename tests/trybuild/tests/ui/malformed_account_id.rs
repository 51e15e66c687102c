use ecr_policy::policy;

fn main() {
    let _ = policy! { allow account "12345" pull on repo };
}
