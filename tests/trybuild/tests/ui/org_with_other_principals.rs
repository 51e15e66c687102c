use ecr_policy::policy;

fn main() {
    let _ = policy! { allow org "o-a1b2c3d4e5", account "210987654321" pull on repo };
}
