use ecr_policy::policy;

fn main() {
    let _ = policy! {
        account "111122223333";
        allow role "deployer" in account "444455556666" except delete on repo
    };
}
