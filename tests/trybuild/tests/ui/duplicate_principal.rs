use ecr_policy::policy;

fn main() {
    let _ = policy! { allow account "210987654321", account "210987654321" pull on repo };
}
