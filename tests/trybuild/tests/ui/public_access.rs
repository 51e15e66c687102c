use ecr_policy::policy;

fn main() {
    let _ = policy! {
        sid "Pull" allow anyone pull on repo
    };
}
