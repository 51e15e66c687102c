use ecr_policy::policy;

fn main() {
    let _ = policy! {
        allow user "a" pull on repo
        allow user "b" push on repo
    };
}
