use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "a" role "b" pull on repo };
}
