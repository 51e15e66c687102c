use ecr_policy::policy;

fn main() {
    let _ = policy! { allow account "210987654321" expect delete on repo };
}
