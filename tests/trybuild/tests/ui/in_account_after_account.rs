use ecr_policy::policy;

fn main() {
    let _ = policy! { allow account "210987654321" in account "123456789012" pull on repo };
}
