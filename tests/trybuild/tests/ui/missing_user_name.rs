use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user push on repo };
}
