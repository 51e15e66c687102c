use ecr_policy::policy;

fn main() {
    let _ = policy! { version 2012 allow account "210987654321" pull on repo };
}
