use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone except role "deployer" in account "123456789012" pull on repo };
}
