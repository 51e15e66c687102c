use ecr_policy::policy;

fn main() {
    let _ = policy! { allow account "111122223333" push on public repo "my-image" };
}
