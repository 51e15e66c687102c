use ecr_policy::{policy, PolicyTemplate};

fn main() {
    // The exception is a test of the role's ARN, which needs the policy's account.
    let _: PolicyTemplate = policy! { deny anyone except role "platform-admin" policy on repo };
}
