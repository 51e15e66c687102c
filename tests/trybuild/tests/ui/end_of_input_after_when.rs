use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "ci" pull on repo when };
}
