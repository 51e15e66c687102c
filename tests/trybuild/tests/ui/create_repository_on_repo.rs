use ecr_policy::policy;

fn main() {
    // The repository CreateRepository would create has no policy yet.
    let _ = policy! { allow role "builder" pull, CreateRepository on repo };
}
