use ecr_policy::{policy, AccountId};

fn main() {
    let account = AccountId::new("111122223333").unwrap();
    let _ = policy! { allow anyone pull on repo when org "o-a1b2c3d4e5"; {account} };
}
