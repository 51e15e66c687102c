use ecr_policy::policy;

fn main() {
    let _ = policy! { allow role "deployer" in account "1234 5678 9012" pull on repo };
}
