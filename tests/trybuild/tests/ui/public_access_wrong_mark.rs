use ecr_policy::policy;

fn main() {
    // `external` answers another account's policy management, not public access.
    let _ = policy! {
        external allow anyone pull on repo
    };
}
