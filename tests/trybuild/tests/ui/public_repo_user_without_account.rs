use ecr_policy::policy;

fn main() {
    let _ = policy! { allow user "publisher" push on public repo };
}
