use ecr_policy::policy;

fn main() {
    let _ = policy! { allow "*" pull on repo };
}
