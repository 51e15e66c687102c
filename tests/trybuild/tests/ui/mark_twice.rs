use ecr_policy::policy;

fn main() {
    let _ = policy! { public public allow anyone pull on repo };
}
