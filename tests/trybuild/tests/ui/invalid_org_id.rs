use ecr_policy::policy;

fn main() {
    let _ = policy! { allow org "a1b2c3d4e5" pull on repo };
}
