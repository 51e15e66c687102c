use ecr_policy::statement;

fn main() {
    let _ = statement! { allow account "210987654321" ReplicateImage on registry };
}
