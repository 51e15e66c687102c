use ecr_policy::policy;

fn main() {
    let _ = policy! { allow push, pull on repo };
}
