use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "ci path/deployer" pull on repo };
}
