use ecr_policy::policy;

fn main() {
    let _ = policy! {
        account "111122223333";
        allow account "444455556666" pull, policy on repo
    };
}
