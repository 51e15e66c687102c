use ecr_policy::policy;

fn main() {
    // Pulling from ECR Public is open to everyone: no policy grants or denies it.
    let _ = policy! { allow anyone pull on public repo };
}
