use ecr_policy::policy;

fn main() {
    let _ = policy! { public sid "Pull" allow anyone pull on repo };
}
