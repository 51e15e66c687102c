use ecr_policy::policy;

fn main() {
    let _ = policy! { deny anyone excpet role "admin" in account "123456789012" policy on repo };
}
