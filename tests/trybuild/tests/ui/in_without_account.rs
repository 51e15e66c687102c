use ecr_policy::policy;

fn main() {
    let _ = policy! { allow role "deployer" in "210987654321" pull on repo };
}
