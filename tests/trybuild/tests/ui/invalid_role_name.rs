use ecr_policy::policy;

fn main() {
    let _ = policy! { allow role "deployer#1" pull on repo };
}
