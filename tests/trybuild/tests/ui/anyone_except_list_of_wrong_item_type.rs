use ecr_policy::policy;

fn main() {
    // The roles to spare must be role names, not text.
    let admins: Vec<&str> = vec!["platform-admin", "break-glass"];
    let _ = policy! {
        account "123456789012";
        deny anyone except role {admins} policy on repo
    };
}
