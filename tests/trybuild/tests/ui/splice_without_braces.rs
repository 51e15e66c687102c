use ecr_policy::policy;

fn main() {
    let statements = Vec::new();
    let _ = policy! { allow anyone pull on repo when org "o-a1b2c3d4e5"; ..statements };
}
