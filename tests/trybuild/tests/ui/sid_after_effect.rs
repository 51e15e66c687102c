use ecr_policy::policy;

fn main() {
    let _ = policy! { allow sid "ReadOnly" account "210987654321" pull on repo };
}
