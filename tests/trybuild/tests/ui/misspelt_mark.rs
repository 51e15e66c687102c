use ecr_policy::policy;

fn main() {
    let _ = policy! { publik allow anyone pull on repo };
}
