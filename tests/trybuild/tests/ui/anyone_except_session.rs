use ecr_policy::policy;

fn main() {
    let _ = policy! { deny anyone except session "admin" "alice" in account "123456789012" policy on repo };
}
