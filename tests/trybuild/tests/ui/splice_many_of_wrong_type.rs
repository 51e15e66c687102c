use ecr_policy::{policy, statement};

fn main() {
    let one = statement! { allow account "111122223333" pull on repo };
    let _ = policy! { ..{one} };
}
