use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user {} pull on repo };
}
