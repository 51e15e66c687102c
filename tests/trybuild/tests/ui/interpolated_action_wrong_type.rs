use ecr_policy::{policy, Bundle};

fn main() {
    let _ = policy! { allow account "210987654321" {Bundle::Pull} on repo };
}
