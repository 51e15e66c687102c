use ecr_policy::policy;

fn main() {
    let _ = policy! {
        sid "Pull" allow account "210987654321" pull on repo;
        sid "Pull" allow account "123456789012" pull on repo
    };
}
