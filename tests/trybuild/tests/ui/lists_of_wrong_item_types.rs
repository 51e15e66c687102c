use ecr_policy::policy;
use ecr_policy::{AccountId, RoleName};

fn main() {
    // Each list of the wrong item type is one error, on its expression.
    let names: Vec<&str> = vec!["ci"];
    let ids: Vec<u64> = vec![111122223333];
    let roles: Vec<RoleName> = vec![RoleName::new("ci").unwrap()];
    let accounts: Vec<AccountId> = vec![AccountId::new("111122223333").unwrap()];
    let _ = policy! {
        account "123456789012";
        allow user {names.clone()}, role {accounts.clone()}, session "ci" {names.clone()} pull on repo;
        allow service {names.clone()}, arn {roles.clone()} pull on repo;
        allow org {names.clone()} pull on repo;
        allow account {ids.clone()} pull on repo
            when source_account {names.clone()}
            and org {accounts.clone()}
            and source_ip {names.clone()}
            and StringLike "aws:PrincipalTag/team" ["platform", {ids.clone()}];
        deny anyone except user {ids.clone()}, account {roles.clone()}, service {ids} push on repo
    };
}
