use ecr_policy::policy;

fn main() {
    // Replication into a registry is granted by the destination's registry policy.
    let _ = policy! {
        account "444455556666";
        allow account "111122223333" "ecr:ReplicateImage" on repo
    };
}
