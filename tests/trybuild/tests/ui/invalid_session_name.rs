use ecr_policy::policy;

fn main() {
    let _ = policy! { allow session "terraform-ci" "x" pull on repo };
}
