use ecr_policy::policy;

fn main() {
    // Text read at run time must become account ids first.
    let partners: Vec<&str> = vec!["111122223333", "444455556666"];
    let _ = policy! { allow account {partners} pull on repo };
}
